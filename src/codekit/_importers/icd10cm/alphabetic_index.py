"""The ICD-10-CM Alphabetic Index as a data pack: coders' own vocabulary for search.

CDC's ICD-10-CM release zip carries four XML files beside the tabular list:
``icd10cm_index_YYYY.xml`` (Index to Diseases and Injuries), ``icd10cm_eindex_YYYY.xml``
(External Cause of Injuries Index), ``icd10cm_drug_YYYY.xml`` (Table of Drugs and Chemicals)
and ``icd10cm_neoplasm_YYYY.xml`` (Table of Neoplasms). All four share one layout::

    <ICD10CM.index><version>2026</version><title>...</title>
      <head><col>Substance</col><col>Poisoning, Accidental (unintentional)</col>...</head>
      <letter><title>P</title>
        <mainTerm><title>Pneumonia</title><nemod>(acute) (double)</nemod><code>J18.9</code>
          <term level="1"><title>aspiration</title><code>J69.0</code></term>
          <term level="1"><title>with</title>
            <term level="2"><title>influenza</title><see>Influenza, with, pneumonia</see></term>
          </term>
        </mainTerm>

A term's name is its path of titles ("Pneumonia, aspiration"); it names the code of its
``code`` element, or of each ``cell`` of a table row (the column heading is added to the
name: "Neoplasm, lung, Malignant Primary"). A term with only a ``see`` reference names the
code of the term it refers to, when that one has a code. Codes written with a trailing
``-`` (to be completed) name their heading. The pack (kind ``icd10cm_index``) stores
``terms.json``: each code with its index terms; the search index of an ICD-10-CM release
adds them as names of its codes (see :func:`index_terms`).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from codekit.exceptions import DataFileError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from codekit._importers._base import Detection
    from codekit._store.packs import Pack

__all__ = ["CM_INDEX", "KIND", "read_index"]

KIND = "icd10cm_index"
_NAME = re.compile(r"icd10cm_(?P<part>index|eindex|drug|neoplasm)_(?P<year>20\d\d)\.xml$", re.I)
_PARTS = {"index": "Index to Diseases and Injuries", "eindex": "External Cause Index",
          "drug": "Table of Drugs and Chemicals", "neoplasm": "Table of Neoplasms"}  # fmt: skip
#: Cells that name no code ("--", blank).
_NO_CODE = re.compile(r"^[-\s]*$")
_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?-?$")
#: At most this many index terms are kept per code (the search index stays bounded).
_PER_CODE = 64
_MAX_BYTES = 64 << 20
#: CDC's index nests subterms to about level 8; a deeper file is not one of them.
_MAX_DEPTH = 32


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _code(raw: str) -> str | None:
    raw = raw.strip().upper()
    if _NO_CODE.match(raw) or not _CODE.match(raw):
        return None
    raw = raw.rstrip("-").rstrip(".")
    compact = raw.replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def _walk(
    element: ET.Element, path: tuple[str, ...], heads: Sequence[str], origin: str
) -> Iterator[tuple[tuple[str, ...], list[str], str | None]]:
    """(path of titles, codes, see reference) of ``element`` and every term below it."""
    if len(path) > _MAX_DEPTH:
        raise DataFileError(origin, f"nests terms deeper than {_MAX_DEPTH} levels")
    title = _text(element.find("title"))
    here = (*path, title) if title else path
    codes = []
    found = _code(_text(element.find("code")))
    if found:
        codes.append(found)
    for cell in element.findall("cell"):
        code = _code(_text(cell))
        column = int(cell.get("col", "0") or 0)
        if code:
            head = heads[column - 1] if 0 < column <= len(heads) else ""
            codes.append(code if not head else f"{code}\t{head}")
    see = _text(element.find("see")) or None
    yield here, codes, see
    for child in element.findall("term"):
        yield from _walk(child, here, heads, origin)


def read_index(data: bytes, origin: str) -> dict[str, list[str]]:
    """Every code of one index file with its index terms (see the module docstring)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise DataFileError(origin, f"is not well-formed XML ({exc})") from exc
    if root.tag != "ICD10CM.index":
        raise DataFileError(origin, f"has the root <{root.tag}>, not <ICD10CM.index>")
    heads = [_text(col) for col in root.findall("head/col")]
    by_path: dict[str, list[str]] = {}
    refs: list[tuple[str, str]] = []
    rows: list[tuple[str, list[str]]] = []
    for letter in root.findall("letter"):
        for main in letter.findall("mainTerm"):
            for path, codes, see in _walk(main, (), heads, origin):
                name = ", ".join(path)
                key = name.lower()
                plain = [c.split("\t")[0] for c in codes]
                by_path.setdefault(key, plain)
                if codes:
                    rows.append((name, codes))
                elif see:
                    refs.append((name, see))
    terms: dict[str, list[str]] = {}

    def add(code: str, name: str) -> None:
        kept = terms.setdefault(code, [])
        if name not in kept and len(kept) < _PER_CODE:
            kept.append(name)

    for name, codes in rows:
        for entry in codes:
            code, _, head = entry.partition("\t")
            add(code, f"{name}, {head}" if head else name)
    for name, see in refs:
        target = by_path.get(", ".join(p.strip() for p in see.split(",")).lower())
        for code in target or ():
            add(code, name)
    return terms


class _IndexImporter:
    """The four XML files of CDC's ICD-10-CM Alphabetic Index."""

    name = "icd10cm-index"

    def detect(self, path: Path) -> Detection | None:
        from codekit._importers.icd10cm.order import fiscal_detection

        found = _NAME.search(path.name)
        if found is None:
            return None
        part = found["part"].lower()
        what = f"ICD-10-CM Alphabetic Index: {_PARTS[part]}"
        return fiscal_detection(self.name, KIND, path, int(found["year"]), what, role=part)

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        from codekit._store.packs import install_pack

        first = detections[0]
        merged: dict[str, list[str]] = {}
        parts = []
        for detection in sorted(detections, key=lambda d: list(_PARTS).index(d.role)):
            if detection.path.stat().st_size > _MAX_BYTES:
                raise DataFileError(detection.origin, "is larger than any index file CDC ships")
            for code, names in read_index(detection.path.read_bytes(), detection.origin).items():
                kept = merged.setdefault(code, [])
                kept.extend(n for n in names if n not in kept)
            parts.append({"part": detection.role, "file": detection.origin})

        def build(folder: Path) -> dict[str, Any]:
            text = json.dumps({"terms": merged}, sort_keys=True, ensure_ascii=False)
            (folder / "terms.json").write_text(text, encoding="utf-8")
            return {"code_set": None, "for_code_set": "icd10cm", "parts": parts,
                    "codes": len(merged)}  # fmt: skip

        return [
            install_pack(
                KIND,
                first.release,
                effective=first.effective,
                until=first.until,
                build=build,
                sources=[d.path for d in detections],
                force=force,
            )
        ]


CM_INDEX = _IndexImporter()
