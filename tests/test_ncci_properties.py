"""Hypothesis properties of the NCCI engine (issue acceptance), over synthetic tables.

* reordering lines never changes findings;
* adding a PTP-associated modifier to a column 2 line never adds a finding;
* splitting an MAI 2/3 code's units over several lines never changes the verdict;
* a claim with no table entries yields no findings;
* the batch path (``check_claims``) finds exactly what ``check_claim`` finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codekit
from codekit import _registry
from codekit._edits.fields import UNITS_CAP
from codekit._edits.ncci.policy import Policy
from codekit._edits.ncci.synthetic import julian, write_aoc, write_mue, write_ptp
from codekit._importers import install_files
from codekit.exceptions import InvalidClaimError

J = julian(dt.date(2013, 4, 1))
PTP_ROWS = [
    ("10001", "10002", "20200101", "*", 0, "Mutually exclusive procedures"),
    ("10001", "10003", "20200101", "*", 1, "Standards of medical / surgical practice"),
    ("10002", "10003", "20200101", "20260731", 1, "Standards of medical / surgical practice"),
    ("10003", "10004", "20200101", "20200101", 9, "Misuse of column two code with column one code"),
    ("10004", "10001", "20200101", "*", 1, "Standards of medical / surgical practice"),
    ("10005", "10002", "20260801", "*", 1, "Standards of medical / surgical practice"),
    ("10001", "20001", "20200101", "*", 1, "Standards of medical / surgical practice"),
]
MUE_ROWS = [
    ("10001", 1, 2, "Code Descriptor / CPT Instruction"),
    ("10002", 2, 1, "Anatomic Consideration"),
    ("10003", 3, 3, "Clinical: Data"),
    ("20001", 2, 2, "Code Descriptor / CPT Instruction"),
    ("20002", 4, 3, "Clinical: Data"),
]
AOC_ROWS = [
    ("1", "20001", "", "10001", "", J, "", ""),
    ("1", "20001", "", "10002", "", J, "", ""),
    ("2", "20002", "", "CCCCC", "", J, "", "Contractor Defined Primary Codes"),
    ("3", "20003", "", "10003", "", J, "", ""),
    ("1", "20004", "", "20001", "", J, "", ""),
]
IN_TABLES = ["10001", "10002", "10003", "10004", "10005", "20001", "20002", "20003", "20004"]
NOT_IN_TABLES = ["90001", "90002", "90003", "A0001", "0001X"]
MODIFIERS = ["59", "XU", "LT", "RT", "25", "26", "TC", "76", "GA"]
DAYS = [dt.date(2026, 7, 31), dt.date(2026, 8, 1)]
#: Before the PTP and MUE tables' effective date: those edits cannot run (unchecked findings).
EARLY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _ncci_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables use made-up code numbers, so the checks here leave code validity out
    (it has its own tests in ``test_ncci_validity.py``)."""
    from codekit._edits.ncci import policy

    monkeypatch.setattr(policy, "DEFAULT_POLICY", policy.Policy(validate_codes=False))


@pytest.fixture(scope="module", autouse=True)
def tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    src = tmp_path_factory.mktemp("cms")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        install_files(
            [
                write_ptp(src, PTP_ROWS),
                write_mue(src, MUE_ROWS),
                write_aoc(src, AOC_ROWS),
            ]
        )
        yield
    _registry.reset()


@st.composite
def lines(
    draw: st.DrawFn, codes: list[str] = IN_TABLES + NOT_IN_TABLES, days: list[dt.date] = DAYS
) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 8))
    return [
        {
            "line_id": f"L{i}",
            "code": draw(st.sampled_from(codes)),
            "units": draw(st.integers(0, 4)),
            "modifiers": draw(st.lists(st.sampled_from(MODIFIERS), max_size=2, unique=True)),
            "date_of_service": draw(st.sampled_from(days)),
        }
        for i in range(count)
    ]


def make(items: list[dict[str, Any]], claim_id: str = "C", bene: str = "B") -> codekit.Claim:
    return codekit.Claim.from_dict(
        {"claim_id": claim_id, "beneficiary_id": bene, "provider_id": "P", "lines": items}
    )


def keys(report: codekit.EditReport) -> set[tuple[Any, ...]]:
    return {(f.kind, f.line_ids, f.codes) for f in report.findings}


@given(lines(), st.randoms(use_true_random=False))
def test_reordering_lines_never_changes_findings(items: list[dict[str, Any]], rnd: Any) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert codekit.check_claim(make(items)).findings == codekit.check_claim(make(shuffled)).findings


@given(lines(), st.data())
def test_ptp_modifier_on_a_column_2_line_never_adds_a_finding(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    before = codekit.check_claim(make(items))
    column2 = sorted({f.line_ids[1] for f in before.findings if f.kind == "ptp"})
    target = data.draw(st.sampled_from(column2 or [items[0]["line_id"]]))
    modifier = data.draw(st.sampled_from(["59", "XS", "LT", "25", "91"]))
    changed = [
        {**item, "modifiers": [*item["modifiers"], modifier]}
        if item["line_id"] == target and modifier not in item["modifiers"]
        else item
        for item in items
    ]
    after = codekit.check_claim(make(changed))
    assert keys(after) <= keys(before)
    assert len(after.by_severity("deny")) <= len(before.by_severity("deny"))


@given(lines(), st.sampled_from(["10001", "10003", "20001", "20002"]), st.integers(0, 9), st.data())
def test_splitting_mai_2_3_units_never_changes_the_verdict(
    items: list[dict[str, Any]], code: str, total: int, data: st.DataObject
) -> None:
    others = [i for i in items if i["code"] != code]
    day = DAYS[1]
    parts = data.draw(st.lists(st.integers(0, total), min_size=0, max_size=3))
    cuts = sorted(min(p, total) for p in parts)
    pieces = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    whole = [*others, {"line_id": "S0", "code": code, "units": total, "date_of_service": day}]
    split = [
        *others,
        *(
            {"line_id": f"S{i}", "code": code, "units": u, "date_of_service": day}
            for i, u in enumerate(pieces)
        ),
    ]
    one, many = codekit.check_claim(make(whole)), codekit.check_claim(make(split))

    def verdict(report: codekit.EditReport) -> tuple[bool, set[tuple[str, dt.date | None]]]:
        mue_denied = any(f.kind == "mue" and f.codes == (code,) for f in report.findings)
        codes_by_line = {i["line_id"]: i["code"] for i in (whole if report is one else split)}
        denied_codes = {
            (codes_by_line[line], f.date_of_service)
            for f in report.findings
            for line in f.denied_line_ids
        }
        return mue_denied, denied_codes

    assert verdict(one) == verdict(many)


@given(lines(codes=NOT_IN_TABLES))
def test_a_claim_with_no_table_entries_yields_no_findings(items: list[dict[str, Any]]) -> None:
    report = codekit.check_claim(make(items))
    assert report.findings == ()
    assert report.notes == ()


#: The rule values of a finding, compared between the two paths besides who and what.
RULE_VALUES = (
    "carc",
    "indicator",
    "mai",
    "mue_value",
    "units",
    "appealable",
    "aoc_type",
    "primaries",
    "rationale",
    "effective",
    "deletion",
    "unchecked",
)


def _plain(x: Any, name: str = "") -> Any:
    """A batch cell as the per-claim finding holds it (NA -> None, Timestamp -> date).

    Units from :data:`UNITS_CAP` on are not compared: the batch's int64 column counts each
    line's units up to the cap, the per-claim finding the units as written.
    """
    import pandas as pd

    if name == "units" and x is not None and not pd.isna(x) and x >= UNITS_CAP:
        return "capped"
    if x is None or (not isinstance(x, tuple) and pd.isna(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    if isinstance(x, tuple):
        return x or None
    return x.item() if hasattr(x, "item") else x


def _comparable(frame: Any) -> set[tuple[Any, ...]]:
    return {
        (
            r.claim_id,
            r.kind,
            r.severity,
            r.line_id,
            _plain(r.other_line_id),
            r.code,
            _plain(r.other_code),
            _plain(r.bypass_modifier),
            r.table,
            r.release,
            *(_plain(getattr(r, name), name) for name in RULE_VALUES),
        )
        for r in frame.itertuples()
    }


def _rows(claim: codekit.Claim, finding: codekit.Finding) -> list[tuple[Any, ...]]:
    """The batch rows a per-claim finding corresponds to (one per line it is about), with the
    provenance and every rule value the finding carries."""
    rest = (
        finding.provenance.table,
        finding.provenance.release,
        *(_plain(getattr(finding, name), name) for name in RULE_VALUES),
    )
    if finding.kind == "ptp" and not finding.unchecked:  # a pair; an unchecked one: every line
        return [
            (
                claim.claim_id,
                "ptp",
                finding.severity,
                finding.line_ids[1],
                finding.line_ids[0],
                finding.codes[1],
                finding.codes[0],
                finding.bypass_modifier,
                *rest,
            )
        ]
    # one code per line (a missing table's finding) or the code of every line (MUE, AOC)
    codes = finding.codes if len(finding.codes) == len(finding.line_ids) else finding.codes * 99
    return [
        (claim.claim_id, finding.kind, finding.severity, line, None, code, None, None, *rest)
        for line, code in zip(finding.line_ids, codes, strict=False)
    ]


POLICIES = [
    Policy(validate_codes=False),
    Policy(column1_modifier_bypasses=True, validate_codes=False),
    Policy(ptp_modifiers=["LT", "RT", "TC"], validate_codes=False),
    Policy(contractor_primaries=False, validate_codes=False),
]


@given(st.lists(lines(days=[*DAYS, EARLY]), min_size=1, max_size=4), st.sampled_from(POLICIES))
def test_batch_path_finds_what_check_claim_finds(
    claims: list[list[dict[str, Any]]], policy: Policy
) -> None:
    values = [make(items, claim_id=f"C{i}", bene=f"B{i}") for i, items in enumerate(claims)]
    expected = {
        row
        for c in values
        for f in codekit.check_claim(c, policy=policy).findings
        for row in _rows(c, f)
    }
    found = codekit.check_claims(values, policy=policy)
    assert _comparable(found) == expected
    assert len(found) == len(expected)


@settings(max_examples=25)
@given(st.lists(lines(days=[*DAYS, EARLY]), min_size=1, max_size=4), st.sampled_from(POLICIES))
def test_batch_fallbacks_find_what_check_claim_finds(
    claims: list[list[dict[str, Any]]], policy: Policy
) -> None:
    """The batch path's slower branches (no pair bitmap, codes not read as characters)."""
    from unittest import mock

    from codekit._edits.ncci import batch, ptp

    values = [make(items, claim_id=f"C{i}", bene=f"B{i}") for i, items in enumerate(claims)]
    expected = {
        row
        for c in values
        for f in codekit.check_claim(c, policy=policy).findings
        for row in _rows(c, f)
    }
    with (
        mock.patch.object(ptp, "_BITMAP_BITS", 0),
        mock.patch.object(batch, "_canonical_codes", return_value=None),
        mock.patch.object(ptp, "SMALL", 0),  # every group joined on its listed pairs
    ):
        found = codekit.check_claims(values, policy=policy)
    assert _comparable(found) == expected
    assert len(found) == len(expected)


def test_batch_path_on_a_dataframe_with_string_modifiers(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "claim_id": ["A", "A", "A"],
            "beneficiary_id": ["B", "B", "B"],
            "provider_id": ["P", "P", "P"],
            "line_id": ["1", "2", "3"],
            "code": ["10001", "10003", "20001"],
            "modifiers": ["", "59 LT", None],
            "units": [1, 1, 3],
            "date_of_service": pd.to_datetime(["2026-08-01"] * 3),
        }
    )
    found = codekit.check_claims(frame)
    assert list(zip(found["kind"], found["severity"], found["line_id"], strict=True)) == [
        ("ptp", "warn", "2"),
        ("ptp", "deny", "3"),
        ("mue", "deny", "3"),
    ]
    assert found["bypass_modifier"][0] == "59"
    assert found["other_line_id"][1] == "1"
    assert found["units"][2] == 3
    assert found["carc"][2] == "CO-151"
    assert found["date_of_service"][0] == pd.Timestamp("2026-08-01")
    assert found["release"][0] == "2026Q3-practitioner"
    assert pd.isna(found["deletion"][0])
    mixed = frame.copy()
    mixed["modifiers"] = pd.Series([[], ("59", "lt"), None], dtype=object)
    assert list(codekit.check_claims(mixed)["severity"]) == ["warn", "deny", "deny"]
    with pytest.raises(InvalidClaimError, match="modifiers"):
        codekit.check_claims(frame.assign(modifiers=["", "5", ""]))
    with pytest.raises(InvalidClaimError, match="line 2"):
        codekit.check_claims(frame.assign(units=[1, -2, 1]))


def test_batch_path_reports_a_missing_table_on_every_line() -> None:
    # issue 11: a check whose table is missing for the date says so, in the batch path too
    import pandas as pd

    frame = pd.DataFrame(
        {
            "claim_id": ["A", "A"],
            "code": ["10001", "90001"],
            # before the PTP and MUE tables' 07-01 effective date (the AOC table is older)
            "date_of_service": [EARLY, EARLY],
        }
    )
    found = codekit.check_claims(frame)
    unchecked = found[found["unchecked"]]
    assert list(zip(unchecked["kind"], unchecked["line_id"], unchecked["code"], strict=True)) == [
        ("ptp", "1", "10001"),
        ("ptp", "2", "90001"),
        ("mue", "1", "10001"),
        ("mue", "2", "90001"),
    ]
    assert set(unchecked["severity"]) == {"unverifiable"}
    assert set(unchecked["table"]) == {"PTP", "MUE"}
    assert not found["unchecked"][found["kind"] == "aoc"].any()


def _expected(values: list[codekit.Claim], policy: Policy) -> set[tuple[Any, ...]]:
    return {
        row
        for c in values
        for f in codekit.check_claim(c, policy=policy).findings
        for row in _rows(c, f)
    }


def _date_as(day: dt.date, how: str) -> Any:
    import pandas as pd

    if how == "yyyymmdd":
        return int(day.strftime("%Y%m%d"))
    if how == "text":
        return day.isoformat()
    if how == "timestamp":
        return pd.Timestamp(day)
    return day


@given(
    st.lists(lines(days=[*DAYS, EARLY]), min_size=1, max_size=3),
    st.sampled_from(["yyyymmdd", "text", "timestamp", "date"]),
    st.sampled_from(["text_or_nan", "list", "text"]),
    st.booleans(),
    st.sampled_from(POLICIES),
)
def test_batch_path_on_frames_as_people_load_them(
    claims: list[list[dict[str, Any]]], dates: str, modifiers: str, huge: bool, policy: Policy
) -> None:
    # issue 11: check_claims accepts NaN modifiers, integer / text / datetime64 dates and units
    # too large for int64 (which wrapped and lost the MUE denial), and never answers
    # differently from check_claim
    import pandas as pd

    if huge:  # beyond int64: the MUE must still deny them
        claims = [[{**i, "units": i["units"] + 2**70} for i in items] for items in claims]
    values = [make(items, claim_id=f"C{i}", bene=f"B{i}") for i, items in enumerate(claims)]
    rows = []
    for n, items in enumerate(claims):
        for item in items:
            mods = item["modifiers"]
            rows.append(
                {
                    "claim_id": f"C{n}",
                    "beneficiary_id": f"B{n}",
                    "provider_id": "P",
                    "line_id": item["line_id"],
                    "code": item["code"].lower(),
                    "modifiers": (
                        list(mods)
                        if modifiers == "list"
                        else (" ".join(mods) or (float("nan") if modifiers != "text" else ""))
                    ),
                    "units": item["units"],
                    "date_of_service": _date_as(item["date_of_service"], dates),
                }
            )
    frame = pd.DataFrame(rows)
    if dates == "timestamp":
        assert pd.api.types.is_datetime64_any_dtype(frame["date_of_service"])
    if huge:
        assert frame["units"].dtype == object
    found = codekit.check_claims(frame, policy=policy)
    assert _comparable(found) == _expected(values, policy)
    assert len(found) == len(_expected(values, policy))


def test_batch_path_reads_pd_read_csv_output(tmp_path: Path) -> None:
    # numeric codes and modifiers come back as numbers, empty cells as NaN, dates as text
    import pandas as pd

    path = tmp_path / "lines.csv"
    path.write_text(
        "claim_id,line_id,code,modifiers,units,date_of_service\n"
        "A,1,10001,,,2026-08-01\n"
        "A,2,10003,59,1,2026-08-01\n"
        "A,3,20001,,3,20260801\n"
    )
    frame = pd.read_csv(path)
    assert frame["code"].dtype.kind == "i"
    assert frame["modifiers"].dtype.kind == "f"
    found = codekit.check_claims(frame)
    (claim,) = codekit.Claim.from_frame(frame)
    assert [(line.modifiers, line.units) for line in claim.lines] == [
        ((), 1),
        (("59",), 1),
        ((), 3),
    ]
    assert _comparable(found) == _expected([claim], Policy(validate_codes=False))
    assert list(zip(found["kind"], found["severity"], found["line_id"], strict=True)) == [
        ("ptp", "warn", "2"),
        ("ptp", "deny", "3"),
        ("mue", "deny", "3"),
    ]


def test_units_beyond_int64_are_denied_by_the_mue() -> None:
    import pandas as pd

    huge = 2**64 + 1  # wrapped to 1 in int64: the MUE of 2 let it through
    frame = pd.DataFrame(
        {"code": ["10002"], "units": pd.Series([huge], dtype=object), "date_of_service": [DAYS[1]]}
    )
    found = codekit.check_claims(frame)
    assert list(zip(found["kind"], found["severity"], strict=True)) == [("mue", "deny")]
    claim = codekit.Claim.from_dict(
        {"lines": [{"code": "10002", "units": huge, "date_of_service": DAYS[1]}]}
    )
    assert [(f.kind, f.units) for f in codekit.check_claim(claim).findings] == [("mue", huge)]


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("x", "DataFrame of claim lines or a list of codekit.Claim, not str"),
        (42, "not int"),
        ([1, 2], "not int"),
        (None, "not NoneType"),
    ],
)
def test_check_claims_refuses_what_it_cannot_read(value: Any, match: str) -> None:
    # issue 11: check_claims("x") gave a raw AttributeError traceback
    with pytest.raises(InvalidClaimError, match=match):
        codekit.check_claims(value)


@pytest.mark.parametrize(
    ("column", "values", "match"),
    [
        ("date_of_service", ["NaT", "2026-08-01"], "missing"),
        ("date_of_service", ["2026-13-01", "2026-08-01"], "not a date"),
        ("code", [None, "10001"], "code is missing"),
        ("code", [10.5, "10001"], "code must be a string"),
        ("units", ["1.5", 1], "whole number"),
        ("modifiers", [["5"], []], "two-character"),
    ],
)
def test_check_claims_names_the_row_of_an_unreadable_value(
    column: str, values: list[Any], match: str
) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"code": ["10002", "10001"], "date_of_service": ["2026-08-01", "2026-08-01"]}
    )
    frame[column] = pd.Series(values, dtype=object)
    if values[0] == "NaT":
        frame[column] = pd.to_datetime(pd.Series([None, "2026-08-01"]))
    with pytest.raises(InvalidClaimError, match=match) as caught:
        codekit.check_claims(frame)
    assert "(row 1)" in str(caught.value)
    # check_claim refuses the same line
    row = {
        k: v for k, v in frame.iloc[0].to_dict().items() if k != "date_of_service" or column == k
    }
    row.setdefault("date_of_service", "2026-08-01")
    with pytest.raises(InvalidClaimError):
        codekit.Claim.from_dict({"lines": [row]})


def test_a_huge_group_is_checked_in_linear_space() -> None:
    # issue 11: 100k lines with no beneficiary id are one group; every line pair of it was
    # enumerated (74 GiB for 100k lines). Only the pairs the tables list are looked at now.
    import pandas as pd

    quiet = NOT_IN_TABLES * 20_000
    codes = [*quiet, "10001", "10002", "20001", "20003"]
    frame = pd.DataFrame({"code": codes, "date_of_service": DAYS[1]})
    found = codekit.check_claims(frame)
    lines = [
        {"line_id": str(i + 1), "code": c, "date_of_service": DAYS[1]} for i, c in enumerate(codes)
    ]
    claim = codekit.Claim.from_dict({"lines": lines})
    assert _comparable(found) == {
        (r[0] and "", *r[1:]) for r in _expected([claim], Policy(validate_codes=False))
    }
    assert sorted(zip(found["kind"], found["severity"], found["code"], strict=True)) == [
        ("aoc", "unverifiable", "20003"),  # type 3: its listed primary 10003 is absent
        ("ptp", "deny", "10002"),  # indicator 0 with 10001
        ("ptp", "deny", "20001"),  # indicator 1 with 10001, no modifier; its AOC primary is paid
    ]


@given(st.lists(lines(days=[*DAYS, EARLY]), min_size=1, max_size=4), st.sampled_from(POLICIES))
def test_findings_are_the_values_their_constructor_builds(
    claims: list[list[dict[str, Any]]], policy: Policy
) -> None:
    # the edits build findings from a field dictionary, skipping __init__ (made_finding):
    # each must be the very value attrs' own constructor gives for its fields
    import attrs

    from codekit._edits.finding import Finding

    for items in claims:
        for finding in codekit.check_claim(make(items), policy=policy).findings:
            fields = {a.name: getattr(finding, a.name) for a in attrs.fields(Finding)}
            built = Finding(**fields)
            assert finding == built
            assert hash(finding) == hash(built)
            assert repr(finding) == repr(built)
            assert finding.to_dict() == built.to_dict()
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                finding.message = ""  # type: ignore[misc]


def test_finding_fields_refuses_what_finding_refuses() -> None:
    from codekit._edits.finding import finding_fields

    with pytest.raises(TypeError, match="no field"):
        finding_fields(kind="ptp", severity="deny", line_ids=(), codes=(), message="", x=1)
    with pytest.raises(TypeError, match="needs field"):
        finding_fields(kind="ptp", severity="deny")
