"""The ICD-10-CM Alphabetic Index pack: its four files install, and their terms become names
search finds (with "see" references resolved).

The truth is the synthetic index in the official CDC layout in ``tests/fixtures/cm_index``
(its terms, codes and references, read by eye) over a synthetic ``icd10cm`` code set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import codekit
from codekit._importers.icd10cm.alphabetic_index import read_index
from codekit._search import _engine, _index
from codekit.exceptions import CodekitError, DataFileError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent / "fixtures" / "cm_index"
FILES = sorted(FIXTURES.glob("icd10cm_*_2030.xml"))

_RECORDS = [
    CodeRecord(code="T10", kind="category", billable=False, description="Type 2 diabetes mellitus"),
    CodeRecord(
        code="T10.0", description="Type 2 diabetes mellitus without complications", parent="T10"
    ),
    CodeRecord(
        code="T10.4", description="Type 2 diabetes mellitus with diabetic neuropathy", parent="T10"
    ),
    CodeRecord(code="T40", description="Benign neoplasm of the spleen"),
    CodeRecord(code="T50", description="Fracture of wrist"),
    CodeRecord(code="T60", description="Pneumonia, unspecified organism"),
    CodeRecord(code="T70", description="Poisoning by other drugs, accidental"),
    CodeRecord(code="T71", description="Adverse effect of other drugs"),
]


class SyntheticCm:
    """An ``icd10cm`` code set of a few synthetic codes, release FY2030."""

    __name__ = "alphaindex_test_codes"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(
            CodeSetSpec(name="icd10cm", title="Synthetic ICD-10-CM", pattern=r"T[0-9]{2}[0-9]?",
                        dot_after=3)
        )  # fmt: skip
        registrar.add_release(
            DataRelease(
                code_set="icd10cm", release="FY2030", effective=dt.date(2029, 10, 1),
                origin="plugin",
            ),
            records=_RECORDS,
        )  # fmt: skip


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Iterator[Path]:
    monkeypatch.setenv("CODEKIT_CACHE_DIR", str(tmp_path / "cache"))
    _index.clear()
    _engine.forget()
    with isolated_registry(SyntheticCm(), builtins=False):
        yield tmp_path / "cache" / "search"
    _index.clear()
    _engine.forget()


def test_the_four_files_of_the_official_layout_are_one_pack() -> None:
    from codekit._importers.api import install

    assert [p.name for p in FILES] == [
        "icd10cm_drug_2030.xml",
        "icd10cm_eindex_2030.xml",
        "icd10cm_index_2030.xml",
        "icd10cm_neoplasm_2030.xml",
    ]
    (pack,) = install(FILES)
    assert (pack.kind, pack.release) == ("icd10cm_index", "FY2030")
    assert [part["part"] for part in pack.manifest["parts"]] == [
        "index",
        "eindex",
        "drug",
        "neoplasm",
    ]


def test_index_terms_become_searchable_names(cache: Path) -> None:
    from codekit._importers.api import install

    assert codekit.search("glimmerpox").codes() == []
    (before,) = cache.glob("*.sqlite")
    install(FILES)
    _engine.forget()
    hit = codekit.search("glimmerpox")[0]
    assert (hit.code, hit.term) == ("T60", "Glimmerpox")
    assert codekit.search("glimmerpox wrist")[0].code == "T50"
    assert codekit.search("tumble moonbeam")[0].code == "T50"  # the external cause index
    # Table cells: the column heading is part of the name.
    by_term = {h.term: h.code for h in codekit.search("zorbanol")}
    assert by_term == {
        "Zorbanol, Poisoning, Accidental (unintentional)": "T70",
        "Zorbanol, Adverse effect": "T71",
    }
    assert codekit.search("spleenlet benign")[0].code == "T40"
    # The index changed with the pack: a new file, the old one pruned.
    (after,) = cache.glob("*.sqlite")
    assert after != before


def test_see_references_resolve_to_the_code_they_name() -> None:
    from codekit._importers.api import install

    install(FILES)
    _engine.forget()
    hit = codekit.search("grumblesugar")[0]
    assert (hit.code, hit.term) == ("T10.0", "Grumblesugar")
    # A code with a trailing "-" names its heading, whose default code comes first.
    assert codekit.search("sugar sickness").codes()[:2] == ["T10.0", "T10"]


def test_index_terms_read_from_the_xml() -> None:
    terms = read_index((FIXTURES / "icd10cm_index_2030.xml").read_bytes(), "index")
    assert terms == {
        "T60": ["Glimmerpox"],
        "T50": ["Glimmerpox, with, wrist break"],
        "T10": ["Sugar sickness"],
        "T10.0": ["Sugar sickness, type 2", "Grumblesugar"],
        "T10.4": ["Sugar sickness, nerve damage"],
    }


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html/>",
        b"<ICD10CM.index><letter>",
        b"\xff\xfe<",
        b"<a>" * 10,
        b"<ICD10CM.index><letter><mainTerm>"
        + b"<term><title>x</title>" * 5000
        + b"</term>" * 5000
        + b"</mainTerm></letter></ICD10CM.index>",
    ],
    ids=["empty", "html", "unclosed", "bytes", "nested-a", "deep"],
)
def test_a_broken_index_file_is_a_data_file_error(data: bytes) -> None:
    with pytest.raises(DataFileError) as raised:
        read_index(data, "icd10cm_index_2030.xml")
    assert isinstance(raised.value, CodekitError)
    assert "icd10cm_index_2030.xml" in str(raised.value)
