"""The institutional claim value: reading, normalising and refusing, as the UB-04 / 837I say.

The limits are the UB-04's and 837I's (a principal and 24 other diagnoses, 25 procedures,
two-digit patient status codes, POA indicators Y/N/U/W/1) and the Medicare Code Editor's own
age range, checked against msdrg's MCE where it is installed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import codekit
from codekit import ClaimDiagnosis, ClaimProcedure, InstitutionalClaim
from codekit.exceptions import CodekitError, InvalidClaimError

BASE: dict[str, Any] = {
    "claim_id": "stay-1",
    "principal": {"code": "I50.20", "poa": "Y"},
    "secondary": [{"code": "E11.9", "poa": "N"}, "N18.30"],
    "procedures": [{"code": "02703DZ", "date": "2025-01-02"}],
    "age": 70,
    "sex": "F",
    "discharge_status": 1,
    "admission_date": "2025-01-01",
    "discharge_date": "2025-01-04",
}


def claim_with(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def test_codes_are_normalised_like_the_rest_of_codekit() -> None:
    # ICD-10-CM is written with a dot after the third character; PCS has no dot.
    for written in ("e11.9", "E119", " E11.9 "):
        assert ClaimDiagnosis(written).code == codekit.normalize("E11.9") == "E11.9"
    assert ClaimProcedure("02703dz").code == "02703DZ"
    claim = InstitutionalClaim.from_dict(claim_with(principal="i5020"))
    assert claim.principal == ClaimDiagnosis("I50.20")
    assert claim.secondary[1] == ClaimDiagnosis("N18.30", None)


def test_a_dict_round_trips_through_json() -> None:
    claim = InstitutionalClaim.from_dict(BASE)
    assert InstitutionalClaim.from_json(json.dumps(claim.to_dict())) == claim
    assert claim.length_of_stay == 3
    assert claim.diagnoses[0] is claim.principal
    assert claim.procedures[0].date == dt.date(2025, 1, 2)


def test_cms_date_forms_and_frame_numbers_are_read() -> None:
    claim = InstitutionalClaim.from_dict(
        claim_with(discharge_date=20250104, admission_date="20250101", discharge_status="01")
    )
    assert claim.discharge_date == dt.date(2025, 1, 4)
    assert claim.discharge_status == 1
    assert InstitutionalClaim.from_dict(claim_with(age=70.0)).age == 70


@pytest.mark.parametrize("poa", ["Y", "N", "U", "W", "1", "y", 1, 1.0])
def test_every_ub04_poa_indicator_is_accepted(poa: object) -> None:
    assert ClaimDiagnosis("E11.9", poa).poa == str(poa).upper()[:1]


@pytest.mark.parametrize("poa", [None, "", " "])
def test_an_unreported_poa_is_none(poa: object) -> None:
    assert ClaimDiagnosis("E11.9", poa).poa is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age": 125}, "age"),
        ({"age": -1}, "age"),
        ({"age": "seventy"}, "age"),
        ({"age": True}, "age"),
        ({"sex": "X"}, "sex"),
        ({"sex": 1}, "sex"),
        ({"discharge_status": 0}, "discharge_status"),
        ({"discharge_status": 100}, "discharge_status"),
        ({"discharge_status": "1a"}, "discharge_status"),
        ({"discharge_date": "04/01/2025"}, "discharge_date"),
        ({"discharge_date": None}, "discharge_date"),
        ({"admission_date": "2025-01-05"}, "admission_date"),
        ({"principal": None}, "principal"),
        ({"principal": "99999999"}, "principal.code"),
        ({"principal": {"code": "E11.9", "poa": "Q"}}, "principal.poa"),
        ({"principal": {"code": "E11.9", "present": "Y"}}, "principal"),
        ({"secondary": ["E11.9", 119]}, "secondary[1].code"),
        ({"secondary": ["E11.9"] * 25}, "secondary"),
        ({"secondary": {"code": "E11.9"}}, "secondary"),
        ({"procedures": ["0DTJ4ZZ"] * 26}, "procedures"),
        ({"procedures": ["E11.9"]}, "procedures[0].code"),
        ({"procedures": [{"code": "02703DZ", "date": "2025-01-05"}]}, "procedures[0].date"),
        ({"ward": "3B"}, "ward"),
    ],
)
def test_a_wrong_field_is_named_with_what_to_do(changes: dict[str, Any], field: str) -> None:
    data = claim_with(**changes)
    with pytest.raises(InvalidClaimError) as caught:
        InstitutionalClaim.from_dict(data)
    assert caught.value.field == field
    assert field.split("[", 1)[0].split(".", 1)[0] in str(caught.value)


def test_the_ub04_limits_are_allowed_up_to_the_edge() -> None:
    # 24 other diagnoses and 25 procedures fit on a UB-04 / 837I.
    claim = InstitutionalClaim.from_dict(
        claim_with(secondary=["E11.9"] * 24, procedures=["0DTJ4ZZ"] * 25)
    )
    assert (len(claim.secondary), len(claim.procedures)) == (24, 25)
    assert InstitutionalClaim.from_dict(claim_with(age=0)).age == 0
    assert InstitutionalClaim.from_dict(claim_with(age=124)).age == 124


def test_the_age_range_is_the_mce_s_own() -> None:
    # msdrg's port of CMS's MCE flags ages outside 0..124 as invalid and nothing inside it.
    mce = pytest.importorskip("msdrg.mce")

    def edits(age: int) -> set[str]:
        with mce.MceEditor() as editor:
            result = editor.edit(
                {
                    "discharge_date": 20250104,
                    "age": age,
                    "sex": 0,
                    "discharge_status": 1,
                    "pdx": {"code": "I5020"},
                    "sdx": [],
                    "procedures": [],
                }
            )
        return {edit["name"] for edit in result["edits"]}

    for age in (0, 124):
        assert "INVALID_AGE" not in edits(age)
        InstitutionalClaim.from_dict(claim_with(age=age))
    for age in (-1, 125):
        assert "INVALID_AGE" in edits(age)
        with pytest.raises(InvalidClaimError):
            InstitutionalClaim.from_dict(claim_with(age=age))


def test_a_frame_gives_one_claim_per_row() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        [
            {
                "claim_id": "a",
                "principal": "I5020",
                "principal_poa": "Y",
                "secondary": "E119 N1830",
                "secondary_poa": "N -",
                "procedures": "02703DZ",
                "procedure_dates": "2025-01-02",
                "age": 70,
                "sex": "F",
                "discharge_status": 1,
                "admission_date": "2025-01-01",
                "discharge_date": "2025-01-04",
            },
            {
                "claim_id": "b",
                "principal": "O80",
                "principal_poa": None,
                "secondary": None,
                "secondary_poa": None,
                "procedures": None,
                "procedure_dates": None,
                "age": 30,
                "sex": "F",
                "discharge_status": 1,
                "admission_date": None,
                "discharge_date": "2025-01-04",
            },
        ]
    )
    first, second = InstitutionalClaim.from_frame(frame)
    assert first == InstitutionalClaim.from_dict(BASE | {"claim_id": "a"})
    assert second.principal == ClaimDiagnosis("O80")
    assert (second.secondary, second.procedures, second.admission_date) == ((), (), None)


def test_a_frame_names_the_row_and_column_at_fault() -> None:
    pd = pytest.importorskip("pandas")
    good = {k: v for k, v in BASE.items() if k not in ("secondary", "procedures", "principal")}
    frame = pd.DataFrame([good | {"principal": "I5020"}, good | {"principal": "I5020", "age": 200}])
    with pytest.raises(InvalidClaimError, match="row 2") as caught:
        InstitutionalClaim.from_frame(frame)
    assert caught.value.field == "age"
    with pytest.raises(InvalidClaimError, match="unknown column"):
        InstitutionalClaim.from_frame(pd.DataFrame([good | {"bed": 1}]))
    with pytest.raises(InvalidClaimError, match="2 poa value"):
        InstitutionalClaim.from_frame(
            pd.DataFrame(
                [good | {"principal": "I5020", "secondary": "E119", "secondary_poa": "Y N"}]
            )
        )


def test_not_a_claim_is_refused() -> None:
    data: object
    for data in (None, [], "claim", 3):
        with pytest.raises(InvalidClaimError, match="mapping"):
            InstitutionalClaim.from_dict(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidClaimError, match="JSON"):
        InstitutionalClaim.from_json("{")
    with pytest.raises(InvalidClaimError, match="JSON"):
        InstitutionalClaim.from_json("[" * 100_000)
    with pytest.raises(InvalidClaimError, match="DataFrame"):
        InstitutionalClaim.from_frame([BASE])  # type: ignore[arg-type]


def test_a_long_text_is_refused_without_being_parsed() -> None:
    with pytest.raises(InvalidClaimError, match="too long"):
        ClaimDiagnosis("E" * 10_000_000)
    with pytest.raises(InvalidClaimError, match="at most 24"):
        InstitutionalClaim.from_dict(claim_with(secondary="E119 " * 1_000_000))


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(sorted(InstitutionalClaim.KEYS)), _ANY), _ANY)
def test_any_input_raises_only_codekit_errors(changes: dict[str, Any], anything: Any) -> None:
    for data in (claim_with(**changes), anything):
        with contextlib.suppress(CodekitError):
            InstitutionalClaim.from_dict(data)
