"""Data packs: install time of the full 2019 HCPCS release, lookups from a pack vs packaged data.

Needs the genuine CMS files (``CODEKIT_CMS_CORPUS``, the folder holding ``hcpcs/``). Measures:

* installing ``HCPC2019_CONTR_ANWEB.txt`` + ``proc_notes_2019.txt`` (parse, write two SQLite
  packs, checksum, fsync, rename) and the same release from the ``.xlsx``;
* a ``codekit data install`` of an already installed release (the no-op path);
* lookups of 5,000 different codes per round, cache-missing (the registry generation is
  bumped between rounds), from the installed HCPCS pack and from the packaged ICD-10-CM
  data, through the same public ``codekit.lookup`` and directly through the data layer.

The issue's target: pack lookups in the same order of magnitude as packaged lookups.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def _best(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _row(name: str, *cells: str) -> None:
    print(f"{name:<52}" + "".join(f"{c:>16}" for c in cells))


def _per_lookup(codes: Sequence[str], code_set: str) -> float:
    import codekit
    from codekit import _registry

    def run() -> None:
        _registry.reset()  # new generation: the lookup cache misses every code
        for code in codes:
            codekit.lookup(code, code_set=code_set)

    run()  # open the datasets once
    return _best(run) / len(codes)


def _per_find(codes: Sequence[str], code_set: str) -> float:
    from codekit import _registry

    source = _registry.current().select(code_set).source()
    return _best(lambda: [source.find(c) for c in codes]) / len(codes)


def main() -> None:
    corpus = os.environ.get("CODEKIT_CMS_CORPUS")
    if not corpus or not (Path(corpus) / "hcpcs").is_dir():
        print("set CODEKIT_CMS_CORPUS to the folder of genuine CMS files to run this benchmark")
        return
    folder = Path(corpus) / "hcpcs"
    txt = [folder / "HCPC2019_CONTR_ANWEB.txt", folder / "proc_notes_2019.txt"]
    xlsx = [folder / "HCPC2019_CONTR_ANWEB.xlsx", folder / "proc_notes_2019.txt"]
    work = Path(tempfile.mkdtemp(prefix="codekit-bench-"))
    saved = os.environ.get("CODEKIT_DATA_DIR")
    try:
        import codekit
        import codekit.data
        from codekit import _registry

        def install(files: list[Path], tag: str) -> Callable[[], object]:
            def run() -> None:
                target = work / f"{tag}-{time.perf_counter_ns()}"
                os.environ["CODEKIT_DATA_DIR"] = str(target)
                codekit.data.install(files)

            return run

        _row("install, full 2019 HCPCS release", "seconds")
        _row("  from HCPC2019_CONTR_ANWEB.txt + proc_notes", f"{_best(install(txt, 'txt')):.2f}")
        try:
            import openpyxl  # noqa: F401

            _row(
                "  from HCPC2019_CONTR_ANWEB.xlsx + proc_notes", f"{_best(install(xlsx, 'x')):.2f}"
            )
        except ImportError:
            _row("  from the .xlsx (openpyxl not installed)", "-")
        os.environ["CODEKIT_DATA_DIR"] = str(work / "main")
        codekit.data.install(txt)
        _row(
            "  again, already installed (no-op)", f"{_best(lambda: codekit.data.install(txt)):.3f}"
        )

        _registry.reset()
        rng = random.Random(2019)
        hcpcs_codes = [r.code for r in _registry.current().select("hcpcs").source().records()]
        icd_codes = [
            r.code
            for r in _registry.current().select("icd10cm").source().records()
            if r.kind == "code"
        ]
        sample_h = rng.sample(hcpcs_codes, min(5000, len(hcpcs_codes)))
        sample_i = rng.sample(icd_codes, 5000)
        print()
        _row("lookup, 5,000 different codes, cache missing", "µs per code", "ratio")
        pack_lookup = _per_lookup(sample_h, "hcpcs")
        packaged_lookup = _per_lookup(sample_i, "icd10cm")
        _row("  codekit.lookup, HCPCS from the installed pack", f"{pack_lookup * 1e6:.1f}",
             f"{pack_lookup / packaged_lookup:.2f}")  # fmt: skip
        _row("  codekit.lookup, ICD-10-CM packaged", f"{packaged_lookup * 1e6:.1f}", "1.00")
        pack_find = _per_find(sample_h, "hcpcs")
        packaged_find = _per_find(sample_i, "icd10cm")
        _row("  data layer find(), HCPCS pack", f"{pack_find * 1e6:.1f}",
             f"{pack_find / packaged_find:.2f}")  # fmt: skip
        _row("  data layer find(), ICD-10-CM packaged", f"{packaged_find * 1e6:.1f}", "1.00")
    finally:
        if saved is None:
            os.environ.pop("CODEKIT_DATA_DIR", None)
        else:
            os.environ["CODEKIT_DATA_DIR"] = saved
        shutil.rmtree(work, ignore_errors=True)
