"""The pandas accessor, the Polars namespace and the Arrow functions of ``codekit.frames``.

Truths: the scalar functions (:func:`codekit.describe`, :func:`codekit.is_valid`,
:func:`codekit.crosswalk`) row by row, and :func:`codekit.check_claims` on the same lines
as a pandas DataFrame; for claims, the genuine CMS tables of the corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
import codekit.data
import codekit.ncci
from codekit import _registry
from codekit._frames.synthetic import claim_lines
from codekit.exceptions import InvalidClaimError, InvalidCodeError, InvalidValueError

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

import codekit.frames  # noqa: E402 - registers the accessors, after the skips above

PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"
RULES_ONLY = codekit.ncci.Policy(validate_codes=False)
CODES = ["E11.9", "E1122", "I10", "Z99.999", None, "250.00", "J45.909", "E11.9", "U07.1"]
DAYS = [
    dt.date(2020, 1, 1),
    dt.date(2015, 10, 1),
    None,
    dt.date(2024, 1, 1),
    dt.date(2024, 1, 1),
    dt.date(2019, 5, 5),
    dt.date(2026, 1, 1),
    dt.date(2016, 2, 2),
    dt.date(2020, 3, 31),
]


def _ptp_codes(corpus: Path) -> list[str]:
    rows = (corpus / PTP).read_bytes().decode("ascii").split("\r\n")[6:]
    return sorted({field for row in rows if row for field in row.split("\t")[:2]})


@pytest.fixture(scope="module")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("frames-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(folder))
        _registry.reset()
        codekit.data.install([cms_corpus / PTP, cms_corpus / MUE, cms_corpus / AOC])
    _registry.reset()
    return folder


@pytest.fixture
def lines(installed: Path, cms_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """2,000 synthetic lines (an Arrow table) over the corpus tables, which are installed."""
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(installed))
    _registry.reset()
    codes = [*_ptp_codes(cms_corpus), "G2211", "99213", "0627T", "0628T"]
    yield pa.table(claim_lines(codes, 2000, first_day=dt.date(2026, 6, 29), days=5))
    _registry.reset()


def _rows(frame: Any) -> list[str]:
    """Findings as sorted JSON rows (each value as text, missing as null)."""

    def text(value: Any) -> Any:
        if isinstance(value, list | tuple) or hasattr(value, "tolist"):
            return [str(v) for v in list(value)]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.date().isoformat()
        return str(int(value)) if isinstance(value, float) else str(value)

    return sorted(
        json.dumps([text(r[c]) for c in codekit.ncci.FINDING_COLUMNS])
        for r in frame.to_dict("records")
    )


def test_import_codekit_registers_no_accessor() -> None:
    code = (
        "import json, pandas as pd, codekit\n"
        "before = hasattr(pd.Series, 'codekit')\n"
        "import codekit.frames\n"
        "print(json.dumps([before, hasattr(pd.Series, 'codekit'), "
        "hasattr(pd.DataFrame, 'codekit')]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [False, True, True]


def test_series_describe_equals_describe_row_by_row() -> None:
    series = pd.Series(CODES, index=range(10, 10 + len(CODES)), name="dx")
    found = series.codekit.describe()
    assert str(found.dtype) == "string"
    assert list(found.index) == list(series.index)
    assert found.name == "dx"
    for code, text in zip(CODES, found, strict=True):
        expected = codekit.describe_many([code])[0] if code is not None else None
        assert (None if pd.isna(text) else text) == expected


def test_series_is_valid_with_a_column_of_dates() -> None:
    series = pd.Series(CODES)
    found = series.codekit.is_valid(as_of=pd.Series(DAYS), code_set="icd10cm")
    assert str(found.dtype) == "boolean"
    for code, day, answer in zip(CODES, DAYS, found, strict=True):
        if code is None or day is None:
            assert answer is pd.NA
        else:
            assert answer == codekit.is_valid(code, code_set="icd10cm", as_of=day)
    one_day = series.codekit.is_valid(as_of="2024-01-01", code_set="icd10cm")
    assert list(one_day.fillna(False)) == [
        c is not None and codekit.is_valid(c, code_set="icd10cm", as_of="2024-01-01") for c in CODES
    ]
    with pytest.raises(InvalidValueError, match="one date per code"):
        series.codekit.is_valid(as_of=DAYS[:3])


def test_series_crosswalk_and_hcc_equal_the_scalar_functions() -> None:
    series = pd.Series(["250.00", "0031", "xyz", None])
    frame = series.codekit.crosswalk(to="icd10cm")
    expected = codekit.crosswalk_frame(series, to="icd10cm")
    assert frame.equals(expected)
    hccs = pd.Series(CODES).codekit.hcc(model="V28", payment_year=2026)
    for code, found in zip(CODES, hccs, strict=True):
        if code is None:
            assert found is None
            continue
        try:
            mapped = codekit.crosswalk(code, to="hcc:V28", release="2026")
        except InvalidCodeError:
            mapped = ()
        assert found == sorted({str(m.target) for m in mapped})


def test_arrow_and_polars_line_functions_skip_pandas() -> None:
    codes = pa.array(CODES)
    days = pa.array(DAYS, type=pa.date32())
    described = codekit.frames.describe(codes)
    assert described.type == pa.string()
    assert described.to_pylist() == codekit.frames.describe(CODES).to_pylist()
    valid = codekit.frames.is_valid(codes, days, code_set="icd10cm")
    polars_valid = pl.Series("dx", CODES).codekit.is_valid(
        as_of=pl.Series(DAYS), code_set="icd10cm"
    )
    pandas_valid = pd.Series(CODES).codekit.is_valid(as_of=pd.Series(DAYS), code_set="icd10cm")
    expected = [None if v is pd.NA else bool(v) for v in pandas_valid]
    assert valid.to_pylist() == polars_valid.to_list() == expected
    gem = pl.Series(["250.00", None, "bad"]).codekit.crosswalk(to="icd10cm").to_list()
    truth = codekit.crosswalk("250.00", to="icd10cm")
    assert [m["target"] for m in gem[0]] == [m.target for m in truth]
    assert gem[1:] == [None, []]
    assert pl.Series(CODES).codekit.describe().to_list() == described.to_pylist()


def test_check_claims_is_the_same_for_pandas_arrow_and_polars(lines: Any) -> None:
    truth = codekit.check_claims(lines.to_pandas(date_as_object=False), policy=RULES_ONLY)
    assert set(truth["kind"]) >= {"ptp", "mue", "aoc"}
    from_arrow = codekit.check_claims(lines, policy=RULES_ONLY)
    polars_lines = pl.from_arrow(lines)
    from_polars = codekit.check_claims(polars_lines, policy=RULES_ONLY)
    accessor = lines.to_pandas(date_as_object=False).codekit.check_claims(policy=RULES_ONLY)
    namespace = polars_lines.codekit.check_claims(policy=RULES_ONLY).to_pandas()
    arrow_out = codekit.frames.check_claims(lines, policy=RULES_ONLY)
    assert arrow_out.schema == codekit.frames.arrow_schema()
    expected = _rows(truth)
    for found in (from_arrow, from_polars, accessor, namespace, arrow_out.to_pandas()):
        assert _rows(found) == expected


def test_check_claims_of_arrow_rejects_bad_lines_like_pandas(lines: Any) -> None:
    broken = lines.drop_columns(["code"])
    with pytest.raises(InvalidClaimError, match="no 'code' column"):
        codekit.check_claims(broken)


@pytest.mark.parametrize(
    "modifiers",
    [
        [["59"], [], ["XU", "lt"], None, ["25"], []],  # joined by Arrow
        [["59"], [None], ["XU"], [], ["25"], ["RT"]],  # a missing modifier: kept as lists
        [["59"], [""], ["XU"], [], ["25"], ["RT"]],  # an empty one
        [["59,XU"], ["59"], ["XU"], [], ["25"], ["RT"]],  # a separator inside one
        # characters str.split() splits on that RE2's \s does not match (issue 13)
        [["59\xa0XU"], ["59"], ["XU"], [], ["25"], ["RT"]],
        [["59\x0bXU"], ["59"], ["XU"], [], ["25"], ["RT"]],
        [["59"], ["\x1c"], ["XU"], [], ["25"], ["RT"]],
        [["59"], ["XU\u3000"], ["XU"], [], ["25"], ["RT"]],
        [["59"], ["\x85LT"], ["XU"], [], ["25"], ["RT"]],
    ],
)
def test_arrow_modifier_lists_read_as_the_pandas_lists(
    installed: Path, monkeypatch: pytest.MonkeyPatch, modifiers: list[Any]
) -> None:
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(installed))
    _registry.reset()
    table = pa.table(
        {
            "claim_id": ["C1"] * 6,
            "line_id": [str(n) for n in range(1, 7)],
            "beneficiary_id": ["B1"] * 6,
            "provider_id": ["P1"] * 6,
            "code": ["0001A", "0591T", "0001A", "36591", "90473", "0592T"],
            "modifiers": pa.array(modifiers, type=pa.list_(pa.string())),
            "units": [1, 1, 1, 1, 2, 1],
            "date_of_service": [dt.date(2023, 6, 1)] * 6,
        }
    )
    frame = table.to_pandas(date_as_object=False)
    frame["modifiers"] = modifiers  # Python lists, as a pandas user gives them

    def outcome(lines: Any) -> Any:
        try:
            return _rows(codekit.check_claims(lines, policy=RULES_ONLY))
        except InvalidClaimError as error:
            return type(error), error.field

    expected = outcome(frame)
    assert outcome(table) == outcome(pl.from_arrow(table)) == expected
    _registry.reset()


def test_the_separators_arrow_checks_are_those_str_split_splits_on() -> None:
    """The characters that keep Arrow's modifier lists from being joined are exactly those
    Python's ``str.split()`` (the engine's reading of a text of modifiers) splits on."""
    from codekit._frames.convert import SPLITS

    splits = {chr(c) for c in range(0x110000) if len(f"a{chr(c)}a".split()) == 2}
    assert set(SPLITS) == splits


def test_findings_of_numbered_claims_convert_to_arrow_value_by_value(lines: Any) -> None:
    frame = lines.to_pandas(date_as_object=False)
    frame["claim_id"] = [int(c[1:]) for c in frame["claim_id"]]  # claim ids as numbers
    found = codekit.check_claims(frame, policy=RULES_ONLY)
    table = codekit.frames.check_claims(frame, policy=RULES_ONLY)
    assert table.schema == codekit.frames.arrow_schema()
    assert table.column("claim_id").to_pylist() == [str(c) for c in found["claim_id"]]
    assert _rows(table.to_pandas()) == _rows(found)
