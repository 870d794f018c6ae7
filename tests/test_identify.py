"""A code is identified by the code sets in which it exists (issue 11).

The truth: CMS's own 2019 Alpha-Numeric HCPCS file (read here byte by byte, independently
of codekit's importer) and the CDC's ICD-10-CM tabular as ``simple_icd_10_cm`` reads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import codekit
import codekit.data
from codekit import _registry
from codekit.exceptions import (
    AmbiguousCodeError,
    CodekitError,
    InvalidCodeError,
    MissingTitleError,
    UnknownCodeError,
    UnknownCodeSetError,
    UnknownReleaseError,
)

HCPCS_2019 = "HCPC2019_CONTR_ANWEB.txt"


def _cms_hcpcs(path: Path) -> dict[str, str]:
    """Code (HCPCS and modifiers) → the long description's first line, per the record layout:
    code in columns 1-5, record id in column 11 (3 a code, 7 a modifier, first lines), long
    description in columns 12-91."""
    found: dict[str, str] = {}
    for line in path.read_bytes().decode("latin-1").split("\r\n"):
        if len(line) > 91 and line[10] in "37":
            found[line[:5].strip()] = line[11:91].strip()
    return found


@pytest.fixture(scope="module")
def cms_hcpcs(cms_corpus: Path) -> dict[str, str]:
    return _cms_hcpcs(cms_corpus / "hcpcs" / HCPCS_2019)


@pytest.fixture(scope="module")
def hcpcs_installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The genuine 2019 HCPCS file installed as packs (HCPCS Level II and modifiers)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("hcpcs-data")))
        _registry.reset()
        codekit.data.install(cms_corpus / "hcpcs" / HCPCS_2019)
        yield
    _registry.reset()


@pytest.fixture(scope="module")
def icd() -> object:
    return pytest.importorskip("simple_icd_10_cm")


def _dotted(code: str) -> str:
    return f"{code[:3]}.{code[3:]}"


# -- HCPCS codes whose ICD-10-CM reading does not exist ------------------------------------


@pytest.mark.parametrize("code", ["J1110", "G0008", "E0100", "A4253"])
@pytest.mark.parametrize("as_of", [None, "2019-06-01"])
def test_hcpcs_codes_resolve_where_they_exist(
    code: str, as_of: str | None, cms_hcpcs: dict[str, str], icd: object, hcpcs_installed: None
) -> None:
    assert code in cms_hcpcs
    assert not icd.is_valid_item(_dotted(code))  # type: ignore[attr-defined]
    found = codekit.lookup(code, as_of=as_of)
    assert (found.code_set, found.code) == ("hcpcs", code)
    if as_of is not None:  # the installed 2019 file answers; later dates the packaged quarters
        assert found.description.startswith(cms_hcpcs[code])
    assert codekit.page(code, as_of=as_of).code_set == "hcpcs"


def test_undotted_icd10cm_as_claims_carry_it(
    cms_hcpcs: dict[str, str], icd: object, hcpcs_installed: None
) -> None:
    assert "E1122" not in cms_hcpcs
    found = codekit.lookup("E1122")
    assert (found.code_set, found.code) == ("icd10cm", "E11.22")
    assert found.description == icd.get_description("E11.22")  # type: ignore[attr-defined]
    assert codekit.is_valid("E1122", as_of="2019-06-01")
    assert codekit.page("E1122").code == "E11.22"


def test_a_code_of_two_code_sets_is_ambiguous_until_the_column_says(
    cms_hcpcs: dict[str, str], icd: object, hcpcs_installed: None
) -> None:
    # J1100 is both HCPCS (dexamethasone) and ICD-10-CM J11.00 (influenza with pneumonia).
    assert "J1100" in cms_hcpcs
    assert icd.is_leaf("J11.00")  # type: ignore[attr-defined]
    with pytest.raises(AmbiguousCodeError, match="code_set=") as caught:
        codekit.lookup("J1100")
    assert caught.value.candidates == {"hcpcs": "J1100", "icd10cm": "J11.00"}
    day = "2019-06-01"  # the installed 2019 file answers (later dates: packaged quarters)
    assert codekit.lookup("J1100", kind="procedure", as_of=day).description == cms_hcpcs["J1100"]
    assert codekit.lookup("J1100", kind="diagnosis").code == "J11.00"
    assert codekit.lookup("J1100", code_sets=["hcpcs", "cpt"]).code_set == "hcpcs"
    assert codekit.describe("J1100", code_set="hcpcs", as_of=day) == cms_hcpcs["J1100"]
    # valid either way, so validity has one answer
    assert codekit.is_valid("J1100", as_of="2019-06-01")


def test_a_code_set_without_data_is_no_evidence(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No HCPCS data (as before HCPCS was packaged): A0100 is ICD-10-CM A01.00, but whether
    # it is HCPCS is unknown.
    from codekit._store import packaged

    kept = tuple(m for m in packaged.manifests() if m.get("code_set") != "hcpcs")
    monkeypatch.setattr(packaged, "manifests", lambda: kept)
    _registry.reset()
    with pytest.raises(AmbiguousCodeError, match="HCPCS") as caught:
        codekit.lookup("A0100")
    assert caught.value.candidates == {"hcpcs": "A0100", "icd10cm": "A01.00"}
    assert codekit.lookup("A0100", kind="diagnosis").code == "A01.00"
    # G00.08 is no ICD-10-CM code, and there is no HCPCS data to look in
    with pytest.raises(UnknownReleaseError, match=r"G00\.08"):
        codekit.lookup("G0008")
    assert codekit.describe_many(["A0100", "G0008"]) == [None, None]


# -- the acceptance column -----------------------------------------------------------------


def test_describe_many_over_a_mixed_column(
    cms_hcpcs: dict[str, str], icd: object, hcpcs_installed: None
) -> None:
    column: list[object] = [
        "E11.9",  # ICD-10-CM, dotted
        "E1122",  # ICD-10-CM, undotted
        "G0008",  # HCPCS
        "A4253",
        "99213",  # a CPT number: descriptors are licensed, none installed
        "0628T",
        "GT",  # a HCPCS modifier
        "25",  # a CPT modifier: licensed
        "J1100",  # really in two code sets
        "E11.99",  # unknown
        "not a code!",
        "",
        None,
        math.nan,
        42,
    ]
    expected = [
        icd.get_description("E11.9"),  # type: ignore[attr-defined]
        icd.get_description("E11.22"),  # type: ignore[attr-defined]
        cms_hcpcs["G0008"],
        None,  # A4253's long description runs on a second record: compared by prefix below
        None,
        None,
        cms_hcpcs["GT"],
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    # on a date the installed 2019 file answers (later dates: the packaged quarters)
    described = codekit.describe_many(column, as_of="2019-06-01")  # type: ignore[arg-type]
    assert described[3] is not None
    assert described[3].startswith(cms_hcpcs["A4253"])
    described[3] = None
    assert described == expected
    many = codekit.get_many(column, as_of="2019-06-01")  # type: ignore[arg-type]
    assert [c.description if c else None for c in many][:3] == expected[:3]
    assert [c.code_set if c else None for c in many][:7] == [
        "icd10cm",
        "icd10cm",
        "hcpcs",
        "hcpcs",
        None,
        None,
        "modifier",
    ]


def test_series_map_is_valid(icd: object, hcpcs_installed: None) -> None:
    pd = pytest.importorskip("pandas")
    column = pd.Series(["E11.9", "E1122", "E11", "G0008", "J1110", "G00.08", None, "x!", 7])
    answers = column.map(lambda c: codekit.is_valid(c, as_of="2019-06-01")).tolist()
    assert answers == [
        icd.is_leaf("E11.9"),  # type: ignore[attr-defined]
        icd.is_leaf("E11.22"),  # type: ignore[attr-defined]
        False,  # a category, not billable
        True,
        True,
        False,  # not a code
        False,
        False,
        False,
    ]


# -- is_valid's contract -------------------------------------------------------------------


@pytest.mark.parametrize("given", [None, 3, 3.5, math.nan, ["E11.9"], b"E11.9", "", "E11..9"])
def test_is_valid_is_false_for_anything_that_is_not_a_code(given: object) -> None:
    assert codekit.is_valid(given) is False  # type: ignore[arg-type]


def test_is_valid_raises_only_when_it_cannot_answer() -> None:
    with pytest.raises(UnknownReleaseError):
        codekit.is_valid("E11.9", as_of="2001-01-01")
    with pytest.raises(CodekitError):
        codekit.is_valid("E11.9", as_of="2021-09-30 garbage")


# -- saying what a column holds --------------------------------------------------------------


def test_kind_and_code_sets_narrow_the_candidates(icd: object) -> None:
    # 250.00 is ICD-9-CM's diabetes: found once the column says it holds diagnoses
    assert codekit.lookup("250.00", kind="diagnosis").code_set == "icd9cm"
    assert codekit.lookup("25000", code_sets=["icd9cm"]).code == "250.00"
    assert codekit.describe_many(["E11.9", "25000"], kind="diagnosis")[0] == (
        icd.get_description("E11.9")  # type: ignore[attr-defined]
    )
    assert codekit.normalize("e1122", kind="diagnosis") == "E11.22"
    with pytest.raises(UnknownCodeSetError, match="kinds are"):
        codekit.lookup("E11.9", kind="diagnoses")
    with pytest.raises(UnknownCodeSetError):
        codekit.lookup("E11.9", code_sets=["icd11"])


@pytest.mark.parametrize("name", [["icd10cm"], ("icd10cm",), 3, {"icd10cm": 1}, b"icd10cm"])
def test_a_code_set_name_that_is_not_a_string_is_refused_clearly(name: object) -> None:
    calls: list[Callable[[], object]] = [
        lambda: codekit.lookup("E11.9", code_set=name),  # type: ignore[arg-type]
        lambda: codekit.lookup("E11.9", code_set=name, as_of="2024-01-01"),  # type: ignore[arg-type]
        lambda: codekit.describe("E11.9", code_set=name),  # type: ignore[arg-type]
        lambda: codekit.get("E11.9", code_set=name),  # type: ignore[arg-type]
        lambda: codekit.is_valid("E11.9", code_set=name),  # type: ignore[arg-type]
        lambda: codekit.get_many(["E11.9"], code_set=name),  # type: ignore[arg-type]
        lambda: codekit.describe_many(["E11.9"], code_set=name),  # type: ignore[arg-type]
        lambda: codekit.normalize("E11.9", code_set=name),  # type: ignore[arg-type]
        lambda: codekit.page("E11.9", code_set=name),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(UnknownCodeSetError):
            call()
    if isinstance(name, list | tuple):
        with pytest.raises(UnknownCodeSetError, match=r"code_sets=\["):
            codekit.lookup("E11.9", code_set=name)  # type: ignore[arg-type]


def test_bulk_functions_take_no_code_set_now() -> None:
    assert codekit.describe_many(["E11.9"], code_set=None) == [codekit.describe("E11.9")]
    assert codekit.get_many(["I10"])[0] == codekit.lookup("I10")


# -- hints ---------------------------------------------------------------------------------


def test_icd9_shapes_say_they_look_like_icd9() -> None:
    with pytest.raises(InvalidCodeError, match=r"ICD-9-CM 250\.00 \(code_set='icd9cm'\)"):
        codekit.lookup("250.00")


def test_two_digits_say_what_they_could_be(data_dir: Path) -> None:
    # The packaged modifier codes are CMS's IOCE list (tests/test_hcpcs_packaged.py): 25 is
    # a CPT (Level I) modifier there, 11 is none; both are Places of Service.
    office = codekit.lookup("11", code_set="pos")
    with pytest.raises(UnknownCodeError) as caught:
        codekit.lookup("11")
    message = str(caught.value)
    assert "11 is not a code in modifier" in message
    assert f"Place of Service 11 {office.description!r} (code_set='pos')" in message
    modifier = codekit.lookup("25")
    assert (modifier.code_set, modifier.title_release) == ("modifier", None)
    with pytest.raises(MissingTitleError, match="AMA-licensed") as untitled:
        codekit.describe("25")
    assert "CPT" in str(untitled.value)


@pytest.mark.parametrize("name", [["icd10cm"], None, 3])
def test_other_code_set_parameters_refuse_non_names(name: object) -> None:
    if name is not None:
        with pytest.raises(UnknownCodeSetError):
            codekit.data_releases(name)  # type: ignore[arg-type]
        with pytest.raises(UnknownCodeSetError):
            codekit.crosswalk("E11.9", to="icd9cm", source=name)  # type: ignore[arg-type]
    with pytest.raises(UnknownCodeSetError):
        codekit.get_many(["E11.9"], code_sets=[name])  # type: ignore[list-item]


def test_a_code_set_out_of_force_on_the_date_holds_no_code(hcpcs_installed: None) -> None:
    # ICD-9-CM ended on 2015-09-30: in 2024 an undotted E119 can only be ICD-10-CM E11.9.
    assert codekit.lookup("E119", kind="diagnosis", as_of="2024-01-01").code == "E11.9"
    # The 2019 HCPCS release takes effect on 2019-01-01: in November 2018 (FY2019) A0100 is
    # ICD-10-CM A01.00; from 2019 it is a code of both.
    assert codekit.lookup("A0100", as_of="2018-11-01").code == "A01.00"
    with pytest.raises(AmbiguousCodeError):
        codekit.lookup("A0100", as_of="2019-02-01")
