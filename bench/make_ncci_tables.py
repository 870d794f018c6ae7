"""Generate a full-size synthetic NCCI table set in CMS's official layouts (for ``bench/ncci.py``).

Writes into a folder you name (a temporary one; never commit the output):

* practitioner PTP ``ccipra-v322r0-f1..f4.txt``: >= 1.2 million rows (``--ptp-rows``), with a
  realistic shape: ~15,000 codes (CPT-style numbers, ``G``/``J`` HCPCS, ``T``/``U`` codes),
  column 1 codes with a heavy-tailed number of column 2 partners, ~8% of pairs with an
  older history row, effective dates on quarter starts since 1996, deletion dates on quarter
  ends, indicator 9 exactly when deletion == effective;
* ``MCR_MUE_PractitionerServices_Eff_07-01-2026.csv``: ~15,000 rows, MAI 1/2/3;
* the AOC table: the genuine ``AOC_V2026Q2-MCR.xlsx`` from ``$CODEKIT_CMS_CORPUS`` when
  available, else a synthetic one of 9,000 rows.

Usage: ``python -m bench.make_ncci_tables [OUTDIR] [--ptp-rows N] [--seed S]``. Without
``OUTDIR`` (as ``python -m bench`` runs every benchmark) the tables are written into a
temporary folder, the time taken is printed, and the folder is removed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from codekit._edits.ncci.synthetic import NOTICE, julian, write_aoc, write_mue

__all__ = ["main", "make"]

_HEADER = (
    "Column1/Column2 Edits\t\t\t\t\t\t",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
)
RATIONALES = (
    "Standards of medical / surgical practice",
    "Mutually exclusive procedures",
    "CPT Manual or CMS manual coding instruction",
    "Misuse of Column Two code with Column One code",
    "HCPCS/CPT procedure code definition",
    "Anesthesia service included in surgical procedure",
    "More extensive procedure",
    "Standard preparation / monitoring services for anesthesia",
)


def code_pool(rng: np.random.Generator, size: int = 15_000) -> np.ndarray:
    numeric = rng.choice(np.arange(10_000, 100_000), size=int(size * 0.74), replace=False)
    codes = [f"{n:05d}" for n in numeric]
    letters = "GJAEKLCQ"
    codes += [
        f"{letters[i % len(letters)]}{n:04d}"
        for i, n in enumerate(rng.choice(10_000, int(size * 0.14), replace=False))
    ]
    codes += [f"{n:04d}T" for n in rng.choice(1_000, int(size * 0.06), replace=False)]
    codes += [f"{n:04d}U" for n in rng.choice(1_000, size - len(codes), replace=False)]
    return np.array(sorted(set(codes)))


def _quarter_starts() -> np.ndarray:
    return np.array(
        [dt.date(y, m, 1).toordinal() for y in range(1996, 2027) for m in (1, 4, 7, 10)]
    )


def make_ptp(  # noqa: PLR0915 - one generator, top to bottom
    folder: Path, rng: np.random.Generator, pool: np.ndarray, rows: int, parts: int = 4
) -> list[Path]:
    n_codes = len(pool)
    # column 1 codes: heavy-tailed partner counts (a few codes have thousands of edits)
    weights = rng.pareto(1.2, n_codes) + 0.2
    pairs_wanted = int(rows / 1.08)
    col1 = rng.choice(n_codes, size=pairs_wanted, p=weights / weights.sum())
    col2 = rng.integers(0, n_codes, size=pairs_wanted)
    keep = col1 != col2
    key = np.unique(col1[keep].astype(np.int64) * n_codes + col2[keep])
    while len(key) < pairs_wanted:
        extra = rng.integers(
            0, n_codes, size=(pairs_wanted - len(key)) * 2, dtype=np.int64
        ) * n_codes + rng.integers(0, n_codes, size=(pairs_wanted - len(key)) * 2)
        extra = extra[extra // n_codes != extra % n_codes]
        key = np.unique(np.concatenate([key, extra]))
    key = key[:pairs_wanted]
    starts = _quarter_starts()
    eff_q = rng.integers(0, len(starts), size=len(key))
    effective = starts[eff_q]
    deleted = rng.random(len(key)) < 0.3
    del_q = np.minimum(eff_q + rng.integers(1, 40, size=len(key)), len(starts) - 1)
    deletion = np.where(deleted, starts[del_q] - 1, -1)
    deletion = np.where(deleted & (deletion < effective), -1, deletion)
    indicator = rng.choice([0, 1], size=len(key), p=[0.12, 0.88])
    never = rng.random(len(key)) < 0.04
    deletion = np.where(never, effective, deletion)
    indicator = np.where(never, 9, indicator)
    # history: an older row for ~8% of pairs, ending the day before the current one
    history = np.flatnonzero((rng.random(len(key)) < 0.08) & (eff_q > 4) & ~never)
    h_eff = starts[rng.integers(0, eff_q[history] - 2)]
    all_key = np.concatenate([key, key[history]])
    all_eff = np.concatenate([effective, h_eff])
    all_del = np.concatenate([deletion, effective[history] - 1])
    all_ind = np.concatenate([indicator, rng.choice([0, 1], size=len(history))])
    while len(all_key) < rows:  # top up with more history rows
        more = rng.integers(0, len(key), size=rows - len(all_key))
        all_key = np.concatenate([all_key, key[more]])
        all_eff = np.concatenate([all_eff, np.full(len(more), starts[0])])
        all_del = np.concatenate([all_del, np.full(len(more), starts[1] - 1)])
        all_ind = np.concatenate([all_ind, np.ones(len(more), dtype=np.int64)])
    order = np.lexsort((all_eff, all_key % n_codes, all_key // n_codes))
    c1 = pool[all_key[order] // n_codes]
    c2 = pool[all_key[order] % n_codes]
    eff_text = np.array([dt.date.fromordinal(int(d)).strftime("%Y%m%d") for d in starts])
    ord_to_text = {
        int(d): dt.date.fromordinal(int(d)).strftime("%Y%m%d")
        for d in np.unique(np.concatenate([all_eff, all_del[all_del >= 0]]))
    }
    del eff_text
    why = rng.integers(0, len(RATIONALES), size=len(order))
    paths = []
    bounds = np.linspace(0, len(order), parts + 1).astype(int)
    for part in range(parts):
        lines = [NOTICE + "\t" * 6, *_HEADER]
        for i in range(bounds[part], bounds[part + 1]):
            j = order[i]
            dele = all_del[j]
            prior = "*" if all_eff[j] == starts[0] else ""
            effective_text = ord_to_text[int(all_eff[j])]
            deletion_text = "*" if dele < 0 else ord_to_text[int(dele)]
            lines.append(
                f"{c1[i]}\t{c2[i]}\t{prior}\t{effective_text}\t{deletion_text}\t"
                f"{all_ind[j]}\t{RATIONALES[why[i]]}"
            )
        path = folder / f"ccipra-v322r0-f{part + 1}.txt"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
        paths.append(path)
    return paths


def make_mue(folder: Path, rng: np.random.Generator, pool: np.ndarray, rows: int = 15_000) -> Path:
    codes = pool[: min(rows, len(pool))]
    values = rng.choice([1, 1, 1, 2, 3, 4, 6, 10, 20, 50], size=len(codes))
    mai = rng.choice([1, 2, 3], size=len(codes), p=[0.25, 0.45, 0.30])
    table = [
        (str(c), int(v), int(m), "Code Descriptor / CPT Instruction")
        for c, v, m in zip(codes, values, mai, strict=True)
    ]
    return write_mue(folder, table, effective=dt.date(2026, 7, 1))


def make_aoc(folder: Path, rng: np.random.Generator, pool: np.ndarray) -> Path:
    corpus = os.environ.get("CODEKIT_CMS_CORPUS")
    real = Path(corpus) / "aoc" / "AOC_V2026Q2-MCR.xlsx" if corpus else None
    if real is not None and real.is_file():
        return Path(shutil.copy(real, folder / real.name))
    add_ons = rng.choice(pool, size=900, replace=False)
    start = julian(dt.date(2013, 4, 1))
    rows = [
        ("1", str(add_on), "", str(primary), "", start, "", "")
        for add_on in add_ons
        for primary in rng.choice(pool, size=10, replace=False)
    ]
    return write_aoc(folder, rows)


def make(folder: Path, *, ptp_rows: int = 1_250_000, seed: int = 20260701) -> dict[str, list[Path]]:
    """Write the table set into ``folder``; returns the files per table."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    pool = code_pool(rng)
    return {
        "ptp": make_ptp(folder, rng, pool, ptp_rows),
        "mue": [make_mue(folder, rng, pool)],
        "aoc": [make_aoc(folder, rng, pool)],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", help="default: a temporary folder")
    parser.add_argument("--ptp-rows", type=int, default=1_250_000)
    parser.add_argument("--seed", type=int, default=20260701)
    # ``python -m bench`` calls main() with no arguments (its own argv is not ours)
    args = parser.parse_args([] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="codekit-ncci-tables-") as tmp:
        outdir = args.outdir or Path(tmp)
        start = time.perf_counter()
        files = make(outdir, ptp_rows=args.ptp_rows, seed=args.seed)
        took = time.perf_counter() - start
        for table, paths in files.items():
            for path in paths:
                shown = path if args.outdir else path.name
                print(f"{table}: {shown} ({path.stat().st_size / 1e6:.1f} MB)")
        print(f"generated in {took:.1f} s" + ("" if args.outdir else " (temporary, removed)"))


if __name__ == "__main__":
    main(sys.argv[1:])
