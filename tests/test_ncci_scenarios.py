"""Scenario suite: for every rule of NCCI.md, a claim where it fires and one where it doesn't.

The tables are synthetic rows written by the test in CMS's official layouts (see
``codekit._edits.ncci.synthetic``) and installed through the data-pack importers, exactly as a user
installs CMS's files. CPT numbers appear as bare codes; no descriptor is written anywhere.
Each test quotes the rule of NCCI.md it checks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit import _registry
from codekit._edits.ncci.policy import Policy
from codekit._edits.ncci.synthetic import julian, write_aoc, write_mue, write_ptp
from codekit._importers import install_files
from codekit.exceptions import InvalidClaimError, UnknownReleaseError
from codekit.plugins import hookimpl
from codekit.testing import isolated_registry

DOS = "2026-08-03"
ME = "Mutually exclusive procedures"
CPT = "CPT Manual or CMS manual coding instruction"

PTP_PRACTITIONER = [
    ("11111", "22222", "20200101", "*", 0, ME),
    ("11111", "33333", "20200101", "*", 1, CPT),
    ("11111", "44444", "20200101", "20231231", 1, CPT),
    ("11111", "55555", "20220101", "20220101", 9, CPT),
    ("11111", "66666", "20150101", "20191231", 0, CPT),
    ("11111", "66666", "20200101", "*", 1, CPT),
    ("11111", "99999", "20100101", "*", 1, CPT),
]
PTP_HOSPITAL = [("12121", "13131", "20200101", "*", 0, ME)]
MUE_PRACTITIONER = [
    ("20001", 1, 1, "Anatomic Consideration"),
    ("20002", 2, 2, "Code Descriptor / CPT Instruction"),
    ("20003", 3, 3, "Clinical: Data"),
    ("30001", 1, 2, "Code Descriptor / CPT Instruction"),
    ("30011", 1, 2, "Code Descriptor / CPT Instruction"),
]
MUE_PRACTITIONER_APRIL = [("20001", 2, 1, "Anatomic Consideration")]
MUE_HOSPITAL = [("20001", 5, 1, "Anatomic Consideration")]
MUE_DME = [("E0100", 1, 2, "Code Descriptor / CPT Instruction")]
J2013 = julian(dt.date(2013, 4, 1))
AOC_ROWS = [
    ("1", "30001", "", "30010", "", J2013, "", ""),
    ("1", "30001", "", "30011", "", J2013, "", ""),
    ("1", "30002", "", "30012", julian(dt.date(2024, 12, 31)), J2013, "", ""),
    ("1", "30002", "", "30013", "", J2013, "", ""),
    ("2", "30003", "", "CCCCC", "", J2013, "", "Contractor Defined Primary Codes"),
    ("3", "30004", "", "30014", "", J2013, "", ""),
    ("3", "30004", "", "CCCCC", "", J2013, "", "Contractor Defined Primary Codes"),
    ("1", "30005", "", "22222", "", J2013, "", ""),
    (
        "1",
        "30006",
        julian(dt.date(2020, 12, 31)),
        "30016",
        "",
        J2013,
        julian(dt.date(2020, 12, 31)),
        "",
    ),
    ("1", "30007", "", "30001", "", J2013, "", ""),
]


@pytest.fixture(autouse=True)
def _ncci_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables use made-up code numbers, so the checks here leave code validity out
    (it has its own tests in ``test_ncci_validity.py``)."""
    from codekit._edits.ncci import policy

    monkeypatch.setattr(policy, "DEFAULT_POLICY", policy.Policy(validate_codes=False))


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The synthetic tables, installed once as packs in a data directory of their own."""
    src = tmp_path_factory.mktemp("cms")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        _install(src)
        yield src
    _registry.reset()


def _install(src: Path) -> None:
    files = [
        write_ptp(src, PTP_PRACTITIONER),
        write_ptp(src, PTP_HOSPITAL, setting="outpatient_hospital"),
        write_mue(src, MUE_PRACTITIONER),
        write_mue(src, MUE_PRACTITIONER_APRIL, effective=dt.date(2026, 4, 1)),
        write_mue(src, MUE_HOSPITAL, setting="outpatient_hospital"),
        write_mue(src, MUE_DME, setting="dme"),
        write_aoc(src, AOC_ROWS),
    ]
    install_files(files)


def claim(
    *lines: tuple[Any, ...], setting: str | None = None, provider: str = "P1"
) -> codekit.Claim:
    """A claim from ``(code, units, modifiers, dos)`` tuples (line ids 1, 2, ...)."""
    return codekit.Claim.from_dict(
        {
            "claim_id": "C1",
            "beneficiary_id": "B1",
            "provider_id": provider,
            "setting": setting,
            "lines": [
                {
                    "line_id": str(i),
                    "code": line[0],
                    "units": line[1] if len(line) > 1 else 1,
                    "modifiers": line[2] if len(line) > 2 else [],
                    "date_of_service": line[3] if len(line) > 3 else DOS,
                }
                for i, line in enumerate(lines, 1)
            ],
        }
    )


def kinds(report: codekit.EditReport) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.kind, f.severity, f.line_ids) for f in report.findings]


def fired(report: codekit.EditReport) -> tuple[codekit.Finding, ...]:
    """The edits that ran and fired (without the findings that say a table is missing)."""
    return tuple(f for f in report.findings if not f.unchecked)


# -- PTP ----------------------------------------------------------------------------------


def test_ptp_indicator_0_denies_column_2_and_no_modifier_bypasses(tables: Path) -> None:
    # "Modifier indicator 0: nothing bypasses." The column 2 code is denied (CO-236).
    report = codekit.check_claim(claim(("11111",), ("22222", 1, ["59"])))
    (finding,) = report.findings
    assert (finding.kind, finding.severity) == ("ptp", "deny")
    assert finding.line_ids == ("1", "2")
    assert finding.denied_line_ids == ("2",)
    assert finding.codes == ("11111", "22222")
    assert finding.indicator == 0
    assert finding.bypass_modifier is None
    assert finding.carc == "CO-236"
    assert finding.rationale == ME
    assert finding.effective == dt.date(2020, 1, 1)
    assert finding.deletion is None
    assert finding.provenance.table == "PTP"
    assert finding.provenance.setting == "practitioner"
    assert finding.provenance.release == "2026Q3-practitioner"
    assert finding.provenance.source_file == "ccipra-v322r0-f1.txt"
    assert report.denied
    assert report.denied_line_ids == ("2",)


def test_ptp_does_not_fire_for_codes_without_an_edit(tables: Path) -> None:
    assert codekit.check_claim(claim(("11111",), ("12121",))).findings == ()
    # The pair is directional: 22222 as column 1 with 11111 has no row; only 11111/22222 fires.
    report = codekit.check_claim(claim(("22222",), ("11111",)))
    assert [(f.codes, f.denied_line_ids) for f in report.findings] == [(("11111", "22222"), ("1",))]


def test_ptp_indicator_1_bypass_only_on_column_2_line(tables: Path) -> None:
    # "1: a PTP-associated modifier on the column 2 line bypasses"
    denied = codekit.check_claim(claim(("11111",), ("33333",)))
    assert kinds(denied) == [("ptp", "deny", ("1", "2"))]
    bypassed = codekit.check_claim(claim(("11111",), ("33333", 1, ["59"])))
    (finding,) = bypassed.findings
    assert (finding.severity, finding.bypass_modifier, finding.denied_line_ids) == (
        "warn",
        "59",
        (),
    )
    assert finding.carc is None
    assert not bypassed.denied
    # bypass on the wrong line: the modifier on the column 1 line does not count by default
    wrong = codekit.check_claim(claim(("11111", 1, ["59"]), ("33333",)))
    assert kinds(wrong) == [("ptp", "deny", ("1", "2"))]


def test_ptp_column_1_modifier_policy_option(tables: Path) -> None:
    # "whether one on the column 1 line counts is a policy option, default off"
    policy = Policy(column1_modifier_bypasses=True, validate_codes=False)
    report = codekit.check_claim(claim(("11111", 1, ["XU"]), ("33333",)), policy=policy)
    assert [(f.severity, f.bypass_modifier) for f in report.findings] == [("warn", "XU")]
    # indicator 0 is never bypassed, whatever the policy
    report = codekit.check_claim(claim(("11111", 1, ["XU"]), ("22222", 1, ["XU"])), policy=policy)
    assert [f.severity for f in report.findings] == ["deny"]


@pytest.mark.parametrize("modifier", ["26", "TC", "76", "GA"])
def test_ptp_non_associated_modifier_does_not_bypass(tables: Path, modifier: str) -> None:
    report = codekit.check_claim(claim(("11111",), ("33333", 1, [modifier])))
    assert [f.severity for f in report.findings] == ["deny"]


@pytest.mark.parametrize(
    "modifier", ["E1", "FA", "F9", "TA", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI",
                 "24", "25", "57", "58", "78", "79", "27", "59", "91", "XE", "XS", "XP", "XU"]
)  # fmt: skip
def test_ptp_every_associated_modifier_bypasses(tables: Path, modifier: str) -> None:
    report = codekit.check_claim(claim(("11111",), ("33333", 1, [modifier])))
    assert [(f.severity, f.bypass_modifier) for f in report.findings] == [("warn", modifier)]


def test_ptp_modifier_list_is_versioned(tables: Path) -> None:
    # X{EPSU} became PTP-associated in 2015; 59 was one before. The tables are 2026's
    # (``as_of``); the rows' dates and the modifier list apply to the date of service.
    before = "2014-06-02"
    pair = claim(("11111", 1, [], before), ("99999", 1, ["XS"], before))
    report = codekit.check_claim(pair, as_of=DOS)
    assert [f.severity for f in fired(report)] == ["deny"]
    pair = claim(("11111", 1, [], before), ("99999", 1, ["59"], before))
    report = codekit.check_claim(pair, as_of=DOS)
    assert [f.severity for f in fired(report)] == ["warn"]
    after = "2016-06-01"
    pair = claim(("11111", 1, [], after), ("99999", 1, ["XS"], after))
    report = codekit.check_claim(pair, as_of=DOS)
    assert [f.severity for f in fired(report)] == ["warn"]


def test_ptp_indicator_9_never_applies_not_even_on_its_date(tables: Path) -> None:
    # "Indicator 9 is used exactly when deletion == effective: the edit never applied."
    for day in ("2022-01-01", "2021-12-31", "2022-01-02", DOS):
        pair = claim(("11111", 1, [], day), ("55555", 1, [], day))
        report = codekit.check_claim(pair, as_of=DOS)  # 2026's table, the row's own dates
        assert [f for f in report.findings if f.kind == "ptp"] == [], day


@pytest.mark.parametrize(
    ("day", "fires"),
    [
        ("2019-12-31", False),  # the day before the effective date
        ("2020-01-01", True),  # the effective date itself
        ("2023-12-31", True),  # the deletion date is the last day the edit applies
        ("2024-01-01", False),  # the day after
    ],
)
def test_ptp_date_edges(tables: Path, day: str, fires: bool) -> None:
    # "Active on a DOS when effective <= dos <= deletion" (the rows of 2026's table)
    report = codekit.check_claim(claim(("11111", 1, [], day), ("44444", 1, [], day)), as_of=DOS)
    assert bool([f for f in report.findings if f.kind == "ptp"]) is fires


def test_ptp_same_pair_keyed_by_effective_interval(tables: Path) -> None:
    # "the same pair can appear several times with different dates/indicators"
    old = codekit.check_claim(
        claim(("11111", 1, [], "2018-05-01"), ("66666", 1, ["59"], "2018-05-01")), as_of=DOS
    )
    assert [(f.severity, f.indicator, f.deletion) for f in fired(old)] == [
        ("deny", 0, dt.date(2019, 12, 31))
    ]
    new = codekit.check_claim(
        claim(("11111", 1, [], "2021-05-01"), ("66666", 1, ["59"], "2021-05-01")), as_of=DOS
    )
    assert [(f.severity, f.indicator, f.deletion) for f in fired(new)] == [("warn", 1, None)]


def test_ptp_compares_per_date_of_service(tables: Path) -> None:
    report = codekit.check_claim(
        claim(("11111", 1, [], "2026-08-03"), ("22222", 1, [], "2026-08-04"))
    )
    assert report.findings == ()


def test_ptp_setting_chooses_the_table(tables: Path) -> None:
    lines = (("12121",), ("13131",))
    assert codekit.check_claim(claim(*lines)).findings == ()
    hospital = codekit.check_claim(claim(*lines), setting="outpatient_hospital")
    assert [(f.kind, f.provenance.setting) for f in hospital.findings] == [
        ("ptp", "outpatient_hospital")
    ]
    # the claim's own setting wins over the argument
    own = codekit.check_claim(claim(*lines, setting="outpatient_hospital"), setting="practitioner")
    assert len(own.findings) == 1
    # "There is no DME PTP table."
    dme = codekit.check_claim(claim(("11111",), ("22222",)), setting="dme")
    assert dme.findings == ()
    assert not any("PTP" in note for note in dme.notes)


def test_two_providers_on_one_day_and_two_claims_of_one_provider(tables: Path) -> None:
    # "Lines of one claim (or several claims) compared per beneficiary + rendering provider + DOS"
    first = claim(("11111",), provider="P1")
    other_provider = claim(("22222",), provider="P2")
    same_provider = claim(("22222",), provider="P1")
    same_provider = codekit.Claim(
        claim_id="C2", beneficiary_id="B1", provider_id="P1", lines=same_provider.lines
    )
    assert codekit.check_claims([first, other_provider]).empty
    found = codekit.check_claims([first, same_provider])
    assert list(found["kind"]) == ["ptp"]
    assert (found["claim_id"][0], found["line_id"][0], found["other_claim_id"][0]) == (
        "C2",
        "1",
        "C1",
    )


# -- MUE ----------------------------------------------------------------------------------


def test_mue_mai_1_compares_each_line_alone(tables: Path) -> None:
    # "MAI 1 Line Edit: each line's units compared alone"
    over = codekit.check_claim(claim(("20001", 2)))
    (finding,) = over.findings
    assert (finding.kind, finding.severity, finding.mai, finding.mue_value, finding.units) == (
        "mue",
        "deny",
        1,
        1,
        2,
    )
    assert finding.carc == "CO-151"
    assert finding.provenance.table == "MUE"
    assert finding.provenance.source_file == "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    # the same code on two lines with a modifier: each line alone is within the limit
    assert codekit.check_claim(claim(("20001", 1, ["RT"]), ("20001", 1, ["LT"]))).findings == ()


def test_mue_mai_2_sums_units_over_lines_and_is_absolute(tables: Path) -> None:
    # "MAI 2 ... units summed over all lines for the code and DOS; over → all of them denied"
    split = codekit.check_claim(claim(("20002", 2), ("20002", 1, ["76"])))
    (finding,) = split.findings
    assert finding.line_ids == ("1", "2")
    assert finding.denied_line_ids == ("1", "2")
    assert (finding.mai, finding.units, finding.appealable) == (2, 3, False)
    assert codekit.check_claim(claim(("20002", 1), ("20002", 1))).findings == ()
    # a different DOS is a different sum
    days = claim(("20002", 2, [], "2026-08-03"), ("20002", 2, [], "2026-08-04"))
    assert codekit.check_claim(days).findings == ()


def test_mue_mai_3_may_be_paid_on_appeal(tables: Path) -> None:
    # "3 may be paid on appeal with documentation (report it as such)"
    (finding,) = codekit.check_claim(claim(("20003", 2), ("20003", 2))).findings
    assert (finding.mai, finding.severity, finding.appealable) == (3, "deny", True)
    assert "appeal" in finding.message
    assert codekit.check_claim(claim(("20003", 3))).findings == ()


def test_mue_code_without_a_value_is_no_published_limit(tables: Path) -> None:
    # "a code with no MUE is 'no published limit', not 'no limit'"
    assert codekit.mue("77777") is None
    assert codekit.check_claim(claim(("77777", 500))).findings == ()
    limit = codekit.mue("20003")
    assert limit is not None
    assert (limit.value, limit.mai) == (3, 3)
    assert limit.mai_text == "3 Date of Service Edit: Clinical"


def test_mue_settings_have_their_own_tables(tables: Path) -> None:
    assert codekit.check_claim(claim(("20001", 4)), setting="outpatient_hospital").findings == ()
    assert (
        len(codekit.check_claim(claim(("20001", 6)), setting="outpatient_hospital").findings) == 1
    )
    dme = codekit.check_claim(claim(("E0100", 2)), setting="dme")
    assert [(f.kind, f.provenance.setting) for f in dme.findings] == [("mue", "dme")]
    limit = codekit.mue("20001", setting="outpatient_hospital")
    assert limit is not None
    assert limit.value == 5


def test_mue_release_from_the_file_name_date(tables: Path) -> None:
    # "The effective date is only in the file name": 04-01 table until 06-30, 07-01 table after.
    # (The PTP table starts 07-01: on 06-30 its edit is unchecked, which is not an MUE finding.)
    def mue_findings(report: codekit.EditReport) -> list[codekit.Finding]:
        return [f for f in report.findings if f.kind == "mue"]

    assert mue_findings(codekit.check_claim(claim(("20001", 2, [], "2026-06-30")))) == []
    assert len(codekit.check_claim(claim(("20001", 2, [], "2026-07-01"))).findings) == 1
    assert codekit.mue("20001", as_of="2026-06-30").value == 2  # type: ignore[union-attr]
    # as_of chooses the tables for every line
    report = codekit.check_claim(claim(("20001", 2, [], "2026-07-01")), as_of="2026-06-30")
    assert mue_findings(report) == []


def test_mue_before_any_table_is_an_unverifiable_finding(tables: Path) -> None:
    # issue 11: a check whose tables are missing for the claim's dates must say so, as an
    # unverifiable finding per edit kind; it is never "clean"
    report = codekit.check_claim(claim(("20001", 5, [], "2025-01-02")))
    # no table of any kind is in force then (the oldest are 2026's): each kind says so
    assert [(f.kind, f.unchecked) for f in report.findings] == [
        ("ptp", True),
        ("mue", True),
        ("aoc", True),
    ]
    finding = report.findings[1]
    assert (finding.kind, finding.severity, finding.unchecked) == ("mue", "unverifiable", True)
    assert finding.line_ids == ("1",)
    assert finding.denied_line_ids == ()
    assert (finding.provenance.table, finding.provenance.setting) == ("MUE", "practitioner")
    # the message names the table, the date and its quarter, and how to install it
    assert "MUE medicare practitioner" in finding.message
    assert "2025-01-02 (2025Q1)" in finding.message
    assert "codekit data fetch ncci --release 2025Q1" in finding.message
    assert not report.clean
    assert not report.verified
    assert report.verdict == "unverified"
    assert report.unchecked == report.findings
    assert report.to_dict()["verified"] is False
    assert any("MUE" in note and "not checked" in note for note in report.notes)


# -- AOC ----------------------------------------------------------------------------------


def test_aoc_type_1_needs_a_listed_payable_primary(tables: Path) -> None:
    # "Type 1: payable only with a listed primary that is itself payable"
    assert codekit.check_claim(claim(("30010",), ("30001",))).findings == ()
    assert codekit.check_claim(claim(("30001",), ("30011",))).findings == ()
    (finding,) = codekit.check_claim(claim(("30001",), ("77777",))).findings
    assert (finding.kind, finding.severity, finding.aoc_type, finding.carc) == (
        "aoc",
        "deny",
        1,
        "CO-B15",
    )
    assert finding.primaries == ("30010", "30011")
    assert finding.denied_line_ids == ("1",)
    assert finding.provenance.table == "AOC"
    assert finding.provenance.source_file == "AOC_V2026Q2-MCR.xlsx"


def test_aoc_primary_denied_by_ptp_no_longer_counts(tables: Path) -> None:
    # "PTP and MUE first; only lines still payable count as primaries"
    report = codekit.check_claim(claim(("11111",), ("22222",), ("30005",)))
    assert kinds(report) == [("ptp", "deny", ("1", "2")), ("aoc", "deny", ("3",))]
    assert codekit.check_claim(claim(("22222",), ("30005",))).findings == ()


def test_aoc_primary_denied_by_mue_no_longer_counts(tables: Path) -> None:
    report = codekit.check_claim(claim(("30011", 2), ("30001",)))
    assert [(f.kind, f.severity) for f in report.findings] == [("mue", "deny"), ("aoc", "deny")]


def test_aoc_units_are_subject_to_mue(tables: Path) -> None:
    # "AOC units are still subject to MUE"
    report = codekit.check_claim(claim(("30010",), ("30001", 2)))
    assert [(f.kind, f.codes) for f in report.findings] == [("mue", ("30001",))]


@pytest.mark.parametrize(
    ("day", "denied"),
    [("2024-12-31", False), ("2025-01-01", True)],  # the primary's deletion date is its last day
)
def test_aoc_deleted_primary(tables: Path, day: str, denied: bool) -> None:
    # the rows of the 2026 table (as_of), whose own dates apply to the date of service
    report = codekit.check_claim(claim(("30012", 1, [], day), ("30002", 1, [], day)), as_of=DOS)
    assert bool(report.denied) is denied
    # another listed primary still works after the deletion
    other = claim(("30013", 1, [], day), ("30002", 1, [], day))
    assert fired(codekit.check_claim(other, as_of=DOS)) == ()


@pytest.mark.parametrize(("day", "fires"), [("2020-12-31", True), ("2021-01-01", False)])
def test_aoc_edit_deletion_date(tables: Path, day: str, fires: bool) -> None:
    report = codekit.check_claim(claim(("30006", 1, [], day)), as_of=DOS)
    assert bool(fired(report)) is fires


def test_aoc_type_2_is_unverifiable_without_a_contractor_list(tables: Path) -> None:
    # "Type 2: no CMS list of primaries → unverifiable unless a plugin supplies a list"
    (finding,) = codekit.check_claim(claim(("30003",), ("77777",))).findings
    assert (finding.severity, finding.aoc_type, finding.denied_line_ids, finding.carc) == (
        "unverifiable",
        2,
        (),
        None,
    )


class ContractorPlugin:
    """A contractor's primaries for type 2 add-on 30003 and type 3 add-on 30004."""

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        registrar.add_aoc_primaries("30003", ["77777"], source="MAC J-X list")
        registrar.add_aoc_primaries("30004", ["88888"], source="MAC J-X list")


def test_aoc_type_2_with_a_contractor_list_from_a_plugin(tables: Path) -> None:
    with isolated_registry(ContractorPlugin()):
        assert codekit.check_claim(claim(("30003",), ("77777",))).findings == ()
        (finding,) = codekit.check_claim(claim(("30003",), ("12345",))).findings
        assert (finding.severity, finding.primaries) == ("deny", ("77777",))
        assert finding.provenance.table == "plugin"
        assert "MAC J-X list" in finding.provenance.source_file
        assert "77777" in codekit.addon_primaries("30003")
        # the batch path consults the same lists
        batch = codekit.check_claims([claim(("30003",), ("12345",)), claim(("30004",), ("88888",))])
        assert list(zip(batch["severity"], batch["table"], strict=True)) == [("deny", "plugin")]
        assert batch["primaries"][0] == ("77777",)
        assert batch["source_file"][0] == finding.provenance.source_file
        # the policy can switch plugin lists off
        off = codekit.check_claim(
            claim(("30003",), ("77777",)),
            policy=Policy(contractor_primaries=False, validate_codes=False),
        )
        assert [f.severity for f in off.findings] == ["unverifiable"]


def test_aoc_type_3_listed_primary_passes_otherwise_unverifiable(tables: Path) -> None:
    # "Type 3: pass if a listed primary is present, otherwise consult plugins, otherwise
    # unverifiable (a warning, not a denial)"
    assert codekit.check_claim(claim(("30014",), ("30004",))).findings == ()
    (finding,) = codekit.check_claim(claim(("88888",), ("30004",))).findings
    assert (finding.severity, finding.aoc_type, finding.primaries) == (
        "unverifiable",
        3,
        ("30014",),
    )
    with isolated_registry(ContractorPlugin()):
        assert codekit.check_claim(claim(("88888",), ("30004",))).findings == ()
        (finding,) = codekit.check_claim(claim(("12345",), ("30004",))).findings
        assert finding.severity == "unverifiable"  # a warning, never a denial


def test_aoc_add_on_of_a_denied_add_on(tables: Path) -> None:
    # 30007's primary is the add-on 30001, which has no primary: both are denied.
    report = codekit.check_claim(claim(("30001",), ("30007",)))
    assert kinds(report) == [("aoc", "deny", ("1",)), ("aoc", "deny", ("2",))]
    assert codekit.check_claim(claim(("30010",), ("30001",), ("30007",))).findings == ()


def test_per_code_questions(tables: Path) -> None:
    assert codekit.addon_primaries("30001") == ("30010", "30011")
    # the 30012 primary was deleted 2024-12-31: on a date the 2026 table is in force, it no
    # longer counts; a date before every table has no table (the one table rule)
    assert codekit.addon_primaries("30002", as_of=DOS) == ("30013",)
    with pytest.raises(UnknownReleaseError, match="in force on 2025-06-01"):
        codekit.addon_primaries("30002", as_of="2025-06-01")
    assert codekit.addon_primaries("30003") == ()  # CCCCC is not a code
    assert codekit.addon_primaries("11111") == ()
    edits = codekit.ptp_edits("66666")
    assert [(e.column1, e.modifier_indicator) for e in edits] == [("11111", 0), ("11111", 1)]
    assert [e.modifier_indicator for e in codekit.ptp_edits("66666", as_of=DOS)] == [1]
    with pytest.raises(UnknownReleaseError, match="PTP medicare practitioner"):
        codekit.ptp_edits("66666", as_of="2021-01-01")
    assert {e.column2 for e in codekit.ptp_edits("11111", as_of=DOS)} == {
        "22222",
        "33333",
        "66666",
        "99999",
    }
    edit = codekit.ptp_edits("44444")[0]
    assert edit.applies(dt.date(2023, 12, 31))
    assert not edit.applies(dt.date(2024, 1, 1))
    assert codekit.ptp_edits("13131", setting="outpatient_hospital")[0].column1 == "12121"


def test_questions_without_tables_say_what_to_install(data_dir: Path) -> None:
    with pytest.raises(UnknownReleaseError, match="codekit data install"):
        codekit.mue("20001")
    with pytest.raises(UnknownReleaseError, match="AOC"):
        codekit.addon_primaries("30001")
    # issue 11: with no NCCI table installed a claim is not clean: one unverifiable finding
    # per edit kind, each naming what is missing
    report = codekit.check_claim(claim(("11111",), ("22222",)))
    assert [(f.kind, f.severity, f.line_ids) for f in report.findings] == [
        ("ptp", "unverifiable", ("1", "2")),
        ("mue", "unverifiable", ("1", "2")),
        ("aoc", "unverifiable", ("1", "2")),
    ]
    assert all(f.unchecked and "(none is installed)" in f.message for f in report.findings)
    assert not report.clean
    assert not report.verified
    assert not report.denied
    assert len(report.notes) == 3
    # a DME claim has no PTP table to miss (CMS publishes none): MUE and AOC only
    dme = codekit.check_claim(claim(("E0100",), setting="dme"))
    assert [f.kind for f in dme.findings] == ["mue", "aoc"]


# -- report, claim input ------------------------------------------------------------------


def test_report_to_dict_and_html(tables: Path) -> None:
    report = codekit.check_claim(claim(("11111",), ("22222",), ("20001", 3)))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["denied"] is True
    assert data["claim_id"] == "C1"
    assert [f["kind"] for f in data["findings"]] == ["ptp", "mue"]
    assert data["findings"][0]["provenance"]["release"] == "2026Q3-practitioner"
    html = report._repr_html_()
    assert "CO-236" in html
    assert "ccipra-v322r0-f1.txt" in html


@pytest.mark.parametrize(
    ("data", "line", "field"),
    [
        ({"lines": [{"code": "11111", "date_of_service": DOS, "colour": 1}]}, "1", "colour"),
        (
            {"lines": [{"line_id": "7", "code": "11111", "units": -1, "date_of_service": DOS}]},
            "7",
            "units",
        ),
        (
            {"lines": [{"line_id": "x", "code": "11111", "date_of_service": "2026-13-01"}]},
            "x",
            "date_of_service",
        ),
        ({"lines": [{"code": "1111", "date_of_service": DOS}]}, "1", "code"),
        (
            {"lines": [{"code": "11111", "date_of_service": DOS, "modifiers": ["591"]}]},
            "1",
            "modifiers",
        ),
        ({"lines": [{"code": "11111"}]}, "1", "date_of_service"),
        ({"lines": [], "payer": "x"}, None, "payer"),
        (
            {"lines": [{"line_id": "1", "code": "11111", "date_of_service": DOS}] * 2},
            "1",
            "line_id",
        ),
    ],
)
def test_bad_claim_input_names_line_and_field(
    data: dict[str, Any], line: str | None, field: str
) -> None:
    with pytest.raises(InvalidClaimError) as info:
        codekit.Claim.from_dict(data)
    assert (info.value.line, info.value.field) == (line, field)
    assert field in str(info.value)
    assert isinstance(info.value, ValueError)


def test_claim_round_trips_through_dict_json_and_frame() -> None:
    original = claim(("11111", 2, ["59", "lt"]), ("22222",))
    assert original.lines[0].modifiers == ("59", "LT")
    assert codekit.Claim.from_dict(original.to_dict()) == original
    assert codekit.Claim.from_json(json.dumps(original.to_dict())) == original
    import pandas as pd

    frame = pd.DataFrame(
        [
            {**line.to_dict(), "claim_id": "C1", "beneficiary_id": "B1", "provider_id": "P1"}
            for line in original.lines
        ]
    )
    (again,) = codekit.Claim.from_frame(frame)
    assert again.lines == original.lines
    assert again.claim_id == "C1"


def test_registrar_refuses_what_is_not_a_code() -> None:
    from codekit.plugins import Registrar

    registrar = Registrar("test")
    with pytest.raises(TypeError, match="5-character"):
        registrar.add_aoc_primaries("1234", ["12345"])
    with pytest.raises(TypeError, match="program"):
        registrar.add_aoc_primaries("12345", ["12346"], program="tricare")
    registrar.add_aoc_primaries(" 12345 ", ["j1100", "12346"], source="list")
    (value,) = registrar._sections["ncci_aoc_primaries"]
    assert (value.add_on, value.primaries) == ("12345", ("12346", "J1100"))


def test_building_claims_reads_no_table_and_imports_no_numpy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, codekit\n"
        "codekit.Claim.from_dict({'lines': [{'code': '11111', 'date_of_service': '2026-08-03'}]})\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
