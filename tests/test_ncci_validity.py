"""Claim lines whose codes, modifiers or diagnoses are not valid on the date of service.

Truth: the genuine CMS 2019 Alpha-Numeric HCPCS file of the corpus (installed as a pack, and
read directly for the facts the tests quote), ICD-10-CM's structure (a three-character
category with subcategories is a header, not billable), and NCCI.md (the PTP-associated
modifiers, among them the CPT modifier 59).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codekit
from codekit import _registry
from codekit._cli.main import main
from codekit._importers import install_files
from codekit.exceptions import InvalidClaimError, StaleDataWarning

Windows = dict[str, list[tuple[dt.date, dt.date]]]

DOS = "2019-06-03"


def _record(path: Path, code: str) -> str:
    """The first record of ``code`` in the CMS fixed-width file."""
    with path.open(encoding="latin-1") as lines:
        return next(line for line in lines if line.startswith(code))


def _claim(lines: list[dict[str, Any]], diagnoses: list[str] | None = None) -> codekit.Claim:
    data: dict[str, Any] = {"claim_id": "V1", "lines": lines}
    if diagnoses is not None:
        data["diagnoses"] = diagnoses
    return codekit.Claim.from_dict(data)


def _line(line_id: str, code: str, *modifiers: str, **more: Any) -> dict[str, Any]:
    return {
        "line_id": line_id,
        "code": code,
        "modifiers": list(modifiers),
        "date_of_service": DOS,
    } | more


def validity(report: codekit.EditReport) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(f.severity, f.line_ids, f.codes) for f in report.findings if f.kind == "validity"]


def test_codes_and_modifiers_not_valid_on_the_date_are_denied(hcpcs: Path) -> None:
    # issue 11: unknown, deleted and malformed codes and unknown modifiers passed silently
    assert "20161231" in _record(hcpcs, "A4466")  # CMS: A4466 terminated 2016-12-31
    assert not any(line.startswith("ZZ ") for line in hcpcs.open(encoding="latin-1"))
    report = codekit.check_claim(
        _claim(
            [
                _line("1", "J1100", "LT"),  # both in the 2019 file
                _line("2", "J1100", "ZZ"),  # no modifier ZZ
                _line("3", "ZZZZZ"),  # not a HCPCS or CPT code at all
                _line("4", "A4466"),  # deleted before the date of service
                _line("5", "J1100", "59"),  # a CPT modifier that NCCI names: valid
            ]
        )
    )
    found = {(f.line_ids, f.codes): f for f in report.findings if f.kind == "validity"}
    assert set(found) == {(("2",), ("ZZ",)), (("3",), ("ZZZZZ",)), (("4",), ("A4466",))}
    assert all(f.severity == "deny" for f in found.values())
    assert found[("2",), ("ZZ",)].carc == "CO-182"
    assert found[("3",), ("ZZZZZ",)].carc == "CO-181"
    assert "valid until 2016-12-31" in found[("4",), ("A4466",)].message
    assert found[("4",), ("A4466",)].provenance.setting == "hcpcs"
    assert found[("4",), ("A4466",)].provenance.release == "2019-JAN"
    assert set(report.denied_line_ids) >= {"2", "3", "4"}


def test_diagnoses_are_validated_on_the_lines_pointing_to_them(hcpcs: Path) -> None:
    # issue 11: a non-billable ICD-10-CM header code used as a diagnosis passed silently
    report = codekit.check_claim(
        _claim(
            [
                _line("1", "J1100", diagnosis_pointers=[1, 2]),
                _line("2", "J1100", "RT", diagnosis_pointers=[3]),
            ],
            diagnoses=["E11.9", "E11", "XYZ"],
        )
    )
    found = {f.codes: f for f in report.findings if f.kind == "validity"}
    assert set(found) == {("E11",), ("XYZ",)}
    assert found[("E11",)].line_ids == ("1",)  # only line 1 points to it
    assert "header code, not billable" in found[("E11",)].message
    assert found[("XYZ",)].line_ids == ("2",)
    assert {f.carc for f in found.values()} == {"CO-146"}
    # without pointers a diagnosis concerns every line
    report = codekit.check_claim(_claim([_line("1", "J1100"), _line("2", "J1100")], ["E11"]))
    assert validity(report) == [("deny", ("1", "2"), ("E11",))]


def test_a_code_set_without_a_release_for_the_date_is_unverifiable(hcpcs: Path) -> None:
    # The packaged CPT numbers begin with the first IOCE quarter, 2019-07-01; ICD-10-CM and
    # the 2019 HCPCS file do not cover 2010
    report = codekit.check_claim(_claim([_line("1", "99213")]))
    ((severity, _, codes),) = validity(report)
    assert (severity, codes) == ("unverifiable", ("99213",))
    (finding,) = [f for f in report.findings if f.kind == "validity"]
    assert finding.unchecked
    assert "no CPT release is in force on 2019-06-03" in finding.message
    old = codekit.check_claim(
        codekit.Claim.from_dict(
            {
                "diagnoses": ["E11.9"],
                "lines": [{"line_id": "1", "code": "J1100", "date_of_service": "2010-01-04"}],
            }
        )
    )
    assert sorted(validity(old)) == [
        ("unverifiable", ("1",), ("E11.9",)),
        ("unverifiable", ("1",), ("J1100",)),
    ]
    assert not old.verified


def _quarter_edges(windows: Windows) -> list[dt.date]:
    """The first and last day of every IOCE quarter the windows mention."""
    starts = sorted({a for spans in windows.values() for a, _ in spans})
    ends = sorted({b for spans in windows.values() for _, b in spans})
    return sorted(set(starts) | set(ends))


def test_cpt_numbers_and_modifiers_get_a_verdict_in_the_ioce_windows(
    hcpcs: Path, ioce_windows: dict[str, Windows]
) -> None:
    # issue 11 / room validity: every CPT line and modifier was "unverifiable" (exit 3).
    # Truth: CMS's IOCE windows (pyoce); codes that come and go, on each quarter's edges.
    cpt, modifiers = ioce_windows["cpt"], ioce_windows["modifier"]
    days = _quarter_edges(cpt)
    always = next(
        c
        for c, spans in sorted(cpt.items())
        if spans[0][0] == days[0] and max(b for _, b in spans) == days[-1]
    )
    changing = sorted(
        c
        for c, spans in cpt.items()
        if min(a for a, _ in spans) > days[0] or max(b for _, b in spans) < days[-1]
    )
    coming = random.Random(11).sample(changing, 40)
    mods = sorted(
        m
        for m, spans in modifiers.items()
        if min(a for a, _ in spans) > days[0] or max(b for _, b in spans) < days[-1]
    )
    assert {"QQ"} <= set(mods)  # IOCE: QQ ends 2024-12-31
    for day in days:
        lines = [
            _line(f"c{i}", code, date_of_service=day.isoformat()) for i, code in enumerate(coming)
        ]
        lines += [
            _line(f"m{i}", always, m, date_of_service=day.isoformat()) for i, m in enumerate(mods)
        ]
        report = codekit.check_claim(_claim(lines))
        found = {codes[0]: severity for severity, _, codes in validity(report)}
        expected = {
            code: "deny"
            for code, spans in [*((c, cpt[c]) for c in coming), *((m, modifiers[m]) for m in mods)]
            if not any(a <= day <= b for a, b in spans)
        }
        assert found == expected, day


def test_codekit_check_passes_a_clean_claim_with_the_genuine_ncci_tables(
    cms_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The corpus PTP and MUE excerpts are 2026Q3 (from 2026-07-01), after the newest packaged
    # quarter (2026-04-01 to 2026-06-30): the code validity is answered from that quarter,
    # with a StaleDataWarning, and a clean claim exits 0 (no --allow-unverified).
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(tmp_path / "data"))
    _registry.reset()
    try:
        install_files(
            [
                cms_corpus / "ptp/ccipra-v322r0-f1.excerpt.txt",
                cms_corpus / "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv",
                cms_corpus / "aoc/AOC_V2026Q2-MCR.xlsx",
            ]
        )
        day = "2026-07-01"
        claim: dict[str, Any] = {
            "claim_id": "R1",
            "beneficiary_id": "B1",
            "diagnoses": ["I10", "E11.9"],
            "lines": [
                _line("1", "99213", "25", date_of_service=day, diagnosis_pointers=[1, 2]),
                _line("2", "G2211", date_of_service=day, diagnosis_pointers=[1]),
                _line("3", "0001U", date_of_service=day, diagnosis_pointers=[2]),
            ],
        }
        path = tmp_path / "claim.json"
        path.write_text(json.dumps(claim))
        with pytest.warns(StaleDataWarning, match="2026-06-30"):
            assert main(["check", str(path)]) == 0
        assert "claim R1: clean" in capsys.readouterr().out
        claim["lines"][0]["modifiers"] = ["25", "QQ"]  # IOCE: QQ ended 2024-12-31
        path.write_text(json.dumps(claim))
        with pytest.warns(StaleDataWarning):
            assert main(["check", str(path)]) == 1
        assert "modifier QQ is not valid on 2026-07-01" in capsys.readouterr().out
    finally:
        _registry.reset()


def test_diagnosis_pointers_and_counts_are_checked() -> None:
    with pytest.raises(InvalidClaimError, match="points past"):
        _claim([_line("1", "J1100", diagnosis_pointers=[2])], ["E11.9"])
    with pytest.raises(InvalidClaimError, match="at most 12"):
        _claim([_line("1", "J1100")], ["E11.9"] * 13)
    with pytest.raises(InvalidClaimError, match="at most 4"):
        _claim([_line("1", "J1100", diagnosis_pointers=[1, 1, 1, 1, 1])], ["E11.9"])


def test_codekit_check_exits_non_zero_for_an_invalid_code(
    hcpcs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claim.json"
    path.write_text(json.dumps({"claim_id": "V1", "lines": [_line("1", "ZZZZZ")]}))
    assert main(["check", str(path), "--allow-unverified"]) == 1  # denied: ZZZZZ
    assert "procedure code ZZZZZ is not valid on 2019-06-03" in capsys.readouterr().out
    assert main(["check", str(path), "--allow-unverified", "--no-code-validity"]) == 0


CODES = ["J1100", "A4466", "ZZZZZ", "99213", "E0100", "G0008"]
MODIFIERS = ["LT", "ZZ", "59", "77", "QQ"]
DIAGNOSES = ["E11.9", "E11", "XYZ", "I10"]


@st.composite
def claims(draw: st.DrawFn, n: int) -> dict[str, Any]:
    diagnoses = draw(st.lists(st.sampled_from(DIAGNOSES), max_size=3))
    count = draw(st.integers(1, 4))
    lines = []
    for i in range(count):
        pointers = draw(
            st.lists(st.integers(1, len(diagnoses)), max_size=2) if diagnoses else st.just([])
        )
        lines.append(
            {
                "line_id": str(i + 1),
                "code": draw(st.sampled_from(CODES)),
                "modifiers": draw(st.lists(st.sampled_from(MODIFIERS), max_size=2, unique=True)),
                "date_of_service": draw(st.sampled_from([DOS, "2010-01-04"])),
                "diagnosis_pointers": pointers,
            }
        )
    return {"claim_id": f"C{n}", "beneficiary_id": f"B{n}", "diagnoses": diagnoses, "lines": lines}


@settings(max_examples=40)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True).flatmap(
        lambda ns: st.tuples(*(claims(n) for n in ns))
    )
)
def test_batch_path_finds_the_validity_findings_check_claim_finds(
    hcpcs: Path, items: tuple[dict[str, Any], ...]
) -> None:
    values = [codekit.Claim.from_dict(item) for item in items]
    expected = {
        (c.claim_id, f.kind, f.severity, line, code)
        for c in values
        for f in codekit.check_claim(c).findings
        for line, code in zip(
            f.line_ids,
            f.codes if len(f.codes) == len(f.line_ids) else f.codes * 99,
            strict=False,
        )
    }
    found = codekit.check_claims(values)
    got = {(r.claim_id, r.kind, r.severity, r.line_id, r.code) for r in found.itertuples()}
    assert got == expected


def test_codekit_check_reads_diagnoses_from_a_csv(
    hcpcs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "claim_id,line_id,code,diagnoses,diagnosis_pointers,date_of_service\n"
        f"A,1,J1100,E11.9 E11,1,{DOS}\n"
        f"A,2,J1100,E11.9 E11,2,{DOS}\n"
    )
    assert main(["check", str(path), "--json", "--allow-unverified"]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    found = [(f["codes"], f["line_ids"]) for f in report["findings"] if f["kind"] == "validity"]
    assert found == [(["E11"], ["2"])]


def test_unknown_codes_are_judged_without_building_suggestions(
    hcpcs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the validity checks asked the public lookup, whose error builds "did you mean"
    # suggestions (a prefix scan per unknown code): a fifth of a batch's CPU on made-up codes
    from codekit._store.sqlite import SqliteRelease
    from codekit.exceptions import UnknownCodeError

    listed = {line[:5] for line in hcpcs.open(encoding="latin-1")}
    assert "A4401" not in listed  # CMS: no A4401 in the 2019 file (A4400, A4402 are)
    assert {"A4400", "A4402"} <= listed
    real_near = SqliteRelease.near
    asked: list[str] = []

    def near(self: SqliteRelease, code: str, limit: int) -> Any:
        asked.append(code)
        return real_near(self, code, limit)

    monkeypatch.setattr(SqliteRelease, "near", near)
    _registry.reset()  # nothing remembered from an earlier test
    claim = _claim([_line("1", "A4401"), _line("2", "J1100", "LT"), _line("3", "A4401", "LT")])
    report = codekit.check_claim(claim)
    denied = {(f.line_ids, f.codes, f.carc) for f in report.findings if f.kind == "validity"}
    assert denied == {(("1",), ("A4401",), "CO-181"), (("3",), ("A4401",), "CO-181")}
    rows = codekit.check_claims([claim])
    assert {(r.line_id, r.code, r.severity) for r in rows.itertuples() if r.kind == "validity"} == {
        ("1", "A4401", "deny"),
        ("3", "A4401", "deny"),
    }
    assert codekit.get("A4401", code_set="hcpcs", as_of=DOS) is None
    assert not codekit.is_valid("A4401", code_set="hcpcs", as_of=DOS)
    assert asked == []
    with pytest.raises(UnknownCodeError) as error:  # the public error still suggests
        codekit.lookup("A4401", code_set="hcpcs", as_of=DOS)
    assert asked == ["A4401"]
    assert error.value.suggestions
    assert set(error.value.suggestions) <= listed
    assert "did you mean" in str(error.value)
