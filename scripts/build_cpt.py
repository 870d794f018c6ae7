"""Build the packaged CPT code numbers and HCPCS modifier codes: numbers and dates only.

Source: the same IOCE tables as ``build_hcpcs.py`` (``pyoce==0.1.0``, its
``pyoce/data/pyoce.mdb.xz``), one release per IOCE quarter, July 2019 - April 2026:

- ``data_hcpcs`` rows whose code is a CPT number (four digits and a digit or one of
  ``A F M T U``) give the quarters in which each CPT number is valid. The row's description
  is an AMA CPT short descriptor and is never read into the output: every item is written
  with an empty description, so ``Code.title_release`` is ``None`` and ``describe`` says
  that descriptors come only from a licensee's file (the ``codekit-cpt`` plugin).
- ``data_modifier``: key ``"<modifier>|<lo version>|<hi version>"``, flags only (no text).
  Its two-character codes (CPT Level I and HCPCS Level II modifiers) give the quarters in
  which each modifier is valid; its ``#x`` rows are IOCE placeholders, not modifiers, and
  are left out.

A code or modifier is valid in the quarters its records cover (a record spans a run of
consecutive IOCE versions). Output: ``src/codekit/data/cpt.sqlite``,
``modifier.sqlite`` and their manifests; the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _sources import PYOCE
from build_hcpcs import (
    FIRST_VERSION,
    LICENCE,
    MDB_FILE,
    MDB_SHA256,
    SOURCE_LICENCE,
    Quarters,
    Records,
    inflated_mdb,
    quarters,
    read_tables,
)

from codekit._store.sqlite import FORMAT_VERSION, Item, write_dataset

CPT = re.compile(r"[0-9]{4}[0-9AFMTU]")
MODIFIER = re.compile(r"[0-9A-Z]{2}")
EXPECTED = {"cpt": 12073, "modifier": 414}


def _mask(low: int, high: int) -> int:
    return sum(1 << (v - FIRST_VERSION) for v in range(low, high + 1))


def windows(path: Path, records: Records) -> dict[str, dict[str, int]]:
    """Per code set, each code's release mask (bit ``v - FIRST_VERSION`` = IOCE version v)."""
    import lmdb

    cpt = {
        code: sum(_mask(low, high) for low, high, _row in found)
        for code, found in records.items()
        if CPT.fullmatch(code)
    }
    modifiers: dict[str, int] = {}
    env = lmdb.Environment(str(path), subdir=False, readonly=True, lock=False, max_dbs=64)
    try:
        with env.begin(env.open_db(b"data_modifier")) as txn:
            for key, _value in txn.cursor():
                code, low, high = bytes(key).decode("ascii").split("|")
                if MODIFIER.fullmatch(code):
                    modifiers[code] = modifiers.get(code, 0) | _mask(int(low), int(high))
    finally:
        env.close()
    return {"cpt": cpt, "modifier": modifiers}


def write(out_dir: Path, code_set: str, masks: dict[str, int], quarter: Quarters) -> None:
    """Write ``<code_set>.sqlite`` and its manifest: codes with empty descriptions."""
    if len(masks) != EXPECTED[code_set]:
        raise SystemExit(
            f"{MDB_FILE}: {len(masks)} {code_set} codes, expected {EXPECTED[code_set]}"
        )
    items = [
        Item(code, "code", "", "", None, None, mask, mask, seq)
        for seq, (code, mask) in enumerate(sorted(masks.items()))
    ]
    table = "data_hcpcs (CPT numbers only)" if code_set == "cpt" else "data_modifier"
    releases = []
    for version, (release, start, end) in quarter.items():
        bit = version - FIRST_VERSION
        releases.append(
            {
                "release": release,
                "bit": bit,
                "effective": start.isoformat(),
                "until": end.isoformat(),
                "origin": "packaged",
                "source": f"{PYOCE.pin}: {MDB_FILE} {table}, numbers and dates only",
                "source_file": MDB_FILE,
                "sha256": MDB_SHA256,
                "licence": LICENCE,
                "rows": sum(1 for mask in masks.values() if mask >> bit & 1),
            }
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{code_set}.sqlite"
    aside = out.with_suffix(".sqlite.tmp")
    aside.unlink(missing_ok=True)
    write_dataset(
        aside,
        meta={"code_set": code_set, "releases": [r["release"] for r in releases]},
        items=items,
    )
    aside.replace(out)
    manifest = {
        "file": out.name,
        "code_set": code_set,
        "format": FORMAT_VERSION,
        "source_package": PYOCE.name,
        "source_version": PYOCE.version,
        "source_sha256": PYOCE.sha256,
        "source_licence": SOURCE_LICENCE,
        "source_file": MDB_FILE,
        "licence": LICENCE,
        "rows": len(items),
        "releases": releases,
    }
    (out_dir / f"{code_set}.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{code_set}: {len(items)} codes, {out.stat().st_size} bytes", file=sys.stderr)


def build(out_dir: Path) -> None:
    path = inflated_mdb()
    versions, records = read_tables(path)
    quarter = quarters(versions)
    for code_set, masks in windows(path, records).items():
        write(out_dir, code_set, masks, quarter)


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
