"""Lookup speed and memory next to simple_icd_10_cm (which reads the same CDC XML).

Measures, in one run:

* a fresh process that imports the library and looks up one code: wall time and peak RSS
  (median of several runs), with ``import attrs, pluggy`` as the floor;
* a hot single lookup of one code (codekit caches it), and lookups cycling over 100,000
  different codes (mostly cache misses);
* 100,000 codes in bulk: ``codekit.get_many`` against a loop of ``codekit.get``.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

RUNS = int(os.environ.get("CODEKIT_BENCH_RUNS", "5"))

COLD = {
    "codekit": "import codekit; codekit.describe('E11.9')",
    "simple_icd_10_cm": "import simple_icd_10_cm as s; s.get_description('E11.9')",
    "floor (import attrs, pluggy)": "import attrs, pluggy",
}


# The child reports its own high-water mark: a child's ru_maxrss on Linux also counts the
# parent's pages at fork time, which would charge both libraries for the benchmark itself.
_PEAK = (
    "\nfor _l in open('/proc/self/status'):\n"
    "    if _l.startswith('VmHWM:'): print(int(_l.split()[1]))"
)


# As an installed library runs: bytecode cached (an unwarmed run, or PYTHONDONTWRITEBYTECODE,
# would charge each library for compiling its own source).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cold(code: str) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of a fresh interpreter running ``code``."""
    walls, peaks = [], []
    subprocess.run([sys.executable, "-c", code], env=_ENV, check=True)  # warm-up
    for _ in range(RUNS):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code + _PEAK],
            capture_output=True,
            text=True,
            check=True,
            env=_ENV,
        )
        walls.append(time.perf_counter() - start)
        peaks.append(int(out.stdout.split()[-1]) / 1024)
    return statistics.median(walls), statistics.median(peaks)


def _per_call(fn: Callable[[], object], number: int) -> float:
    """Best of three: seconds per call."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _row(name: str, *cells: str) -> None:
    print(f"{name:<44}" + "".join(f"{c:>16}" for c in cells))


def _shared_codes() -> list[str]:
    """Codes of the newest release (the one lookups use) that the peer's April 2026 XML has."""
    from codekit import _registry

    registry = _registry.current()
    newest = {r.code for r in registry.select("icd10cm").source().records() if r.billable}
    source = registry.select("icd10cm", release="FY2026-04").source()
    return [r.code for r in source.records() if r.billable and r.code in newest]


def main() -> None:
    import simple_icd_10_cm as peer

    import codekit
    from codekit import _registry

    print(f"python {sys.version.split()[0]}, {RUNS} runs per cold start")
    _row("fresh process: import + first lookup", "wall ms", "peak RSS MB")
    cold = {name: _cold(code) for name, code in COLD.items()}
    for name, (wall, rss) in cold.items():
        _row(name, f"{wall * 1000:.0f}", f"{rss:.1f}")
    ours, theirs = cold["codekit"], cold["simple_icd_10_cm"]
    _row(
        "ratio simple_icd_10_cm / codekit",
        f"{theirs[0] / ours[0]:.1f}x",
        f"{theirs[1] / ours[1]:.1f}x",
    )

    codes = _shared_codes()
    random.seed(7)
    sample = random.sample(codes, 100_000 if len(codes) >= 100_000 else len(codes))
    sample = (sample * (100_000 // len(sample) + 1))[:100_000]

    print()
    _row("hot lookups (per call)", "codekit µs", "peer µs", "peer/codekit")
    hot_ours = _per_call(lambda: codekit.describe("E11.9"), 200_000)
    hot_peer = _per_call(lambda: peer.get_description("E11.9"), 200_000)
    _row(
        "same code again and again",
        f"{hot_ours * 1e6:.2f}",
        f"{hot_peer * 1e6:.2f}",
        f"{hot_peer / hot_ours:.2f}",
    )

    cycle = iter(sample * 3)
    miss_ours = _per_call(lambda: codekit.describe(next(cycle), code_set="icd10cm"), 50_000)
    cycle_peer = iter(sample * 3)
    miss_peer = _per_call(lambda: peer.get_description(next(cycle_peer)), 50_000)
    _row(
        "100k different codes, one by one",
        f"{miss_ours * 1e6:.2f}",
        f"{miss_peer * 1e6:.2f}",
        f"{miss_peer / miss_ours:.2f}",
    )

    print()
    _row("bulk: 100,000 codes", "seconds", "µs per code")
    start = time.perf_counter()
    loop = [codekit.get(code, code_set="icd10cm") for code in sample]
    loop_s = time.perf_counter() - start
    _registry.reset()  # empty the caches so each bulk call pays its own way
    start = time.perf_counter()
    bulk = codekit.get_many(sample, code_set="icd10cm")
    bulk_s = time.perf_counter() - start
    _registry.reset()
    start = time.perf_counter()
    texts = codekit.describe_many(sample, code_set="icd10cm")
    texts_s = time.perf_counter() - start
    start = time.perf_counter()
    peer_loop = [peer.get_description(code) for code in sample]
    peer_s = time.perf_counter() - start
    assert [c.description if c else None for c in bulk] == [
        c.description if c else None for c in loop
    ]
    assert texts == [c.description if c else None for c in loop]
    # Both answer every code (their texts differ: simple_icd_10_cm keeps the XML's accents
    # and 7th-character notes, which CMS titles never carry; see tests/test_icd10cm_*.py).
    assert all(texts)
    assert len(peer_loop) == len(texts)
    _row("codekit.describe_many", f"{texts_s:.3f}", f"{texts_s / 1e5 * 1e6:.2f}")
    _row("codekit.get_many (Code values)", f"{bulk_s:.3f}", f"{bulk_s / 1e5 * 1e6:.2f}")
    _row("loop of codekit.get", f"{loop_s:.3f}", f"{loop_s / 1e5 * 1e6:.2f}")
    _row("loop of simple_icd_10_cm.get_description", f"{peer_s:.3f}", f"{peer_s / 1e5 * 1e6:.2f}")
    _row("ratio loop of get / describe_many", f"{loop_s / texts_s:.1f}x", "")
    _row("ratio loop of get / get_many", f"{loop_s / bulk_s:.1f}x", "")


if __name__ == "__main__":
    main()
