"""Build the packaged HCPCS Level II dataset: one release per quarter, July 2019 - April 2026.

Source: ``pyoce==0.1.0`` (Apache-2.0), ONLY its ``pyoce/data/pyoce.mdb.xz``: CMS's Integrated
Outpatient Code Editor tables as an xz-compressed LMDB file (read with the ``lmdb`` package;
pyoce itself needs Python 3.12 and is never imported). Two of its tables are read:

- ``version_range``: key ``"<version>"``, a ``marshal``-ed dict with ``version``,
  ``date_started`` and ``date_ended`` (``YYYYMMDD`` integers) and ``version_id`` (IOCE
  version such as ``27.1.0``). Versions 76-103 are the 28 quarters 2019-07 to 2026-04; the
  last one is open-ended in the source (it ends in 2036), here it ends with its quarter.
- ``data_hcpcs``: key ``"<code>|<lo version>|<hi version>"``, a ``marshal``-ed dict with the
  28-character ``description``, the OPPS ``status_indicator`` and ~130 IOCE flags. A code has
  one record per window of consecutive versions in which its row is unchanged.

The table also lists CPT codes (AMA copyright) and CDT ``D`` codes (ADA copyright). Only
HCPCS Level II codes (a letter other than ``D`` and four digits) are kept: no CPT or CDT
text is ever written (``tests/test_hcpcs_packaged.py`` checks the built file).

Each quarter becomes a release (``2019-JUL`` ... ``2026-APR``, the ids HCPCS packs use),
effective from the quarter's first day to its last. A code is present (and billable) in
the quarters its windows cover; its description is the newest one, with the older texts
kept per release. Its OPPS status indicators by period go to the ``opps_status_indicators``
attribute. Output: ``src/codekit/data/hcpcs.sqlite`` and ``hcpcs.manifest.json``; the same
inputs give the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import lzma
import marshal
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _sources import CACHE, PYOCE, fetch

from codekit._store.sqlite import FORMAT_VERSION, Item, write_dataset

MDB_FILE = "pyoce/data/pyoce.mdb.xz"
MDB_SHA256 = "328245a2d097741f4735b3e454f6765e89f7ca9b9c51d8d9eca489d7431d0dab"
LICENCE = "Public domain (CMS, US government work)"
SOURCE_LICENCE = "Apache-2.0"
LEVEL_II = re.compile(r"[A-CE-Z][0-9]{4}")
_MONTHS = {1: "JAN", 4: "APR", 7: "JUL", 10: "OCT"}
FIRST_VERSION, LAST_VERSION = 76, 103
EXPECTED_CODES = 8204


def inflated_mdb() -> Path:
    """The inflated LMDB file (~300 MB, kept in the build cache beside the wheel)."""
    with zipfile.ZipFile(fetch(PYOCE)) as wheel:
        raw = wheel.read(MDB_FILE)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != MDB_SHA256:
        raise SystemExit(f"{MDB_FILE}: sha256 {digest} != pinned {MDB_SHA256}")
    target = CACHE / f"pyoce-{digest[:16]}.mdb"
    if not target.exists():
        handle, name = tempfile.mkstemp(dir=CACHE, suffix=".mdb.tmp")
        with lzma.open(io.BytesIO(raw)) as src, open(handle, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        Path(name).replace(target)
    return target


Records = dict[str, list[tuple[int, int, dict[str, Any]]]]
Quarters = dict[int, tuple[str, dt.date, dt.date]]


def read_tables(path: Path) -> tuple[dict[int, dict[str, Any]], Records]:
    """The IOCE versions and every ``data_hcpcs`` record, by code."""
    import lmdb

    env = lmdb.Environment(str(path), subdir=False, readonly=True, lock=False, max_dbs=64)
    try:
        versions: dict[int, dict[str, Any]] = {}
        with env.begin(env.open_db(b"version_range")) as txn:
            for _key, value in txn.cursor():
                row = marshal.loads(value)
                versions[int(row["version"])] = row
        records: Records = {}
        with env.begin(env.open_db(b"data_hcpcs")) as txn:
            for key, value in txn.cursor():
                code, low, high = bytes(key).decode("ascii").split("|")
                records.setdefault(code, []).append((int(low), int(high), marshal.loads(value)))
    finally:
        env.close()
    return versions, records


def _date(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def quarters(versions: dict[int, dict[str, Any]]) -> Quarters:
    """IOCE version → (release id, first day, last day), refusing anything not a quarter."""
    found: Quarters = {}
    wanted = range(FIRST_VERSION, LAST_VERSION + 1)
    if sorted(versions) != list(wanted):
        raise SystemExit(f"version_range: versions {sorted(versions)} are not {wanted}")
    for version in wanted:
        start = _date(versions[version]["date_started"])
        if start.day != 1 or start.month not in _MONTHS:
            raise SystemExit(f"version {version} starts on {start}, not on a quarter")
        following = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if version < LAST_VERSION and _date(versions[version]["date_ended"]) != end:
            raise SystemExit(f"version {version} ends {versions[version]['date_ended']}")
        found[version] = (f"{start.year}-{_MONTHS[start.month]}", start, end)
    return found


def _mask(low: int, high: int) -> int:
    return sum(1 << (v - FIRST_VERSION) for v in range(low, high + 1))


def _indicator_periods(
    windows: list[tuple[int, int, dict[str, Any]]], quarter: Quarters
) -> list[list[str]]:
    periods: list[list[str]] = []
    for low, high, row in windows:
        indicator = str(row["status_indicator"]).strip()
        start, end = quarter[low][1].isoformat(), quarter[high][2].isoformat()
        last = periods[-1] if periods else None
        day_before = (quarter[low][1] - dt.timedelta(days=1)).isoformat()
        if last is not None and last[1] == day_before and last[2] == indicator:
            last[1] = end
        else:
            periods.append([start, end, indicator])
    return periods


def rows(
    records: dict[str, list[tuple[int, int, dict[str, Any]]]],
    quarter: Quarters,
) -> tuple[list[Item], list[tuple[str, str, int, str]]]:
    """Items (Level II codes only) and per-release description texts."""
    items: list[Item] = []
    texts: list[tuple[str, str, int, str]] = []
    for seq, code in enumerate(sorted(c for c in records if LEVEL_II.fullmatch(c))):
        windows = sorted(records[code], key=lambda w: w[0])
        for (_, high, _), (low, _, _) in itertools.pairwise(windows):
            if low <= high:
                raise SystemExit(f"data_hcpcs {code}: overlapping windows")
        by_text: dict[str, int] = {}
        for low, high, row in windows:
            text = str(row["description"]).strip()
            if not text:
                raise SystemExit(f"data_hcpcs {code}|{low}|{high}: no description")
            by_text[text] = by_text.get(text, 0) | _mask(low, high)
        present = sum(by_text.values())
        newest = str(windows[-1][2]["description"]).strip()
        for text, mask in sorted(by_text.items()):
            if text != newest:
                texts.append((code, "code", mask, text))
        attrs = {"opps_status_indicators": _indicator_periods(windows, quarter)}
        items.append(
            Item(code, "code", newest, "", None, None, present, present, seq,
                 attrs=json.dumps(attrs, sort_keys=True, separators=(",", ":")))
        )  # fmt: skip
    return items, texts


def build(out_dir: Path) -> None:
    """Write ``hcpcs.sqlite`` and ``hcpcs.manifest.json`` into ``out_dir``."""
    versions, records = read_tables(inflated_mdb())
    quarter = quarters(versions)
    items, texts = rows(records, quarter)
    if len(items) != EXPECTED_CODES:
        raise SystemExit(f"{MDB_FILE}: {len(items)} Level II codes, expected {EXPECTED_CODES}")
    releases = []
    for version, (release, start, end) in quarter.items():
        bit = version - FIRST_VERSION
        count = sum(1 for i in items if i.present >> bit & 1)
        releases.append(
            {
                "release": release,
                "bit": bit,
                "effective": start.isoformat(),
                "until": end.isoformat(),
                "origin": "packaged",
                "source": f"{PYOCE.pin}: {MDB_FILE} (IOCE {versions[version]['version_id']})",
                "source_file": MDB_FILE,
                "sha256": MDB_SHA256,
                "licence": LICENCE,
                "rows": count,
            }
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "hcpcs.sqlite"
    aside = out.with_suffix(".sqlite.tmp")
    aside.unlink(missing_ok=True)
    write_dataset(
        aside,
        meta={"code_set": "hcpcs", "releases": [r["release"] for r in releases]},
        items=items,
        texts=texts,
    )
    aside.replace(out)
    manifest = {
        "file": out.name,
        "code_set": "hcpcs",
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
    (out_dir / "hcpcs.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"hcpcs: {len(items)} Level II codes in {len(releases)} quarterly releases "
        f"({releases[0]['release']} to {releases[-1]['release']}), {out.stat().st_size} bytes",
        file=sys.stderr,
    )


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
