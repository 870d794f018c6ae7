"""``codekit check``: JSON and CSV claims, text and JSON output, exit codes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codekit import _registry
from codekit._cli.main import main
from codekit._edits.ncci.synthetic import julian, write_aoc, write_mue, write_ptp
from codekit._importers import install_files


@pytest.fixture(autouse=True)
def _ncci_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables use made-up code numbers, so the checks here leave code validity out
    (it has its own tests in ``test_ncci_validity.py``)."""
    from codekit._edits.ncci import policy

    monkeypatch.setattr(policy, "DEFAULT_POLICY", policy.Policy(validate_codes=False))


@pytest.fixture(scope="module", autouse=True)
def tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    src = tmp_path_factory.mktemp("cms")
    j = julian(dt.date(2013, 4, 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        install_files(
            [
                write_ptp(
                    src, [("11111", "22222", "20200101", "*", 1, "Mutually exclusive procedures")]
                ),
                write_ptp(
                    src,
                    [("11111", "33333", "20200101", "*", 0, "Mutually exclusive procedures")],
                    setting="outpatient_hospital",
                ),
                write_mue(src, [("20001", 1, 2, "Code Descriptor / CPT Instruction")]),
                write_aoc(src, [("3", "30004", "", "30014", "", j, "", "")]),
            ]
        )
        yield
    _registry.reset()


def _claim(code2: str, modifiers: list[str]) -> dict[str, object]:
    return {
        "claim_id": "C9",
        "lines": [
            {"line_id": "1", "code": "11111", "date_of_service": "2026-08-03"},
            {
                "line_id": "2",
                "code": code2,
                "modifiers": modifiers,
                "date_of_service": "2026-08-03",
            },
        ],
    }


def test_denied_claim_exits_1_and_prints_the_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(_claim("22222", [])))
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "claim C9: DENIED" in out
    assert "CO-236" in out
    assert "11111,22222" in out


def test_bypassed_claim_exits_0_and_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([_claim("22222", ["59"])]))
    assert main(["check", str(path), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["denied"] is False
    assert [(f["severity"], f["bypass_modifier"]) for f in report["findings"]] == [("warn", "59")]


def test_csv_input_and_setting_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "claim_id,line_id,code,modifiers,units,date_of_service\r\n"
        "A,1,11111,,1,2026-08-03\r\n"
        "A,2,33333,59 XU,1,2026-08-03\r\n"
        "B,1,20001,,3,2026-08-03\r\n"
    )
    assert main(["check", str(path), "--json", "--setting", "outpatient_hospital"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["claim_id"] for r in reports] == ["A", "B"]
    # no outpatient hospital MUE table is installed: that edit is reported as not checked
    assert [(f["kind"], f["severity"]) for f in reports[0]["findings"]] == [
        ("ptp", "deny"),
        ("mue", "unverifiable"),
    ]
    assert [(f["kind"], f["unchecked"]) for f in reports[1]["findings"]] == [("mue", True)]
    assert reports[1]["verified"] is False
    assert main(["check", str(path), "--json"]) == 1  # practitioner: the MUE denies claim B
    reports = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in reports[1]["findings"]] == ["mue"]


def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "lines": [
                    {"line_id": "4", "code": "11111", "units": -3, "date_of_service": "2026-08-03"}
                ]
            }
        )
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("codekit: claim line 4, field 'units'")
    assert "Traceback" not in err


def test_no_tables_installed_is_not_clean_and_exits_non_zero(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 11: with no NCCI tables installed `codekit check` printed "claim C1: clean" and
    # exited 0. It must say what was not checked and fail unless the user allows it.
    path = tmp_path / "claim.json"
    path.write_text(json.dumps({**_claim("22222", []), "claim_id": "C1"}))
    assert main(["check", str(path)]) == 3
    captured = capsys.readouterr()
    assert "claim C1: unverified" in captured.out
    assert "clean" not in captured.out
    for table in ("PTP", "MUE", "AOC"):
        assert f"{table} edits were not checked" in captured.out
    assert "2026-08-03 (2026Q3)" in captured.out
    assert "codekit data fetch ncci --release 2026Q3 --accept-ama-license" in captured.out
    assert "--allow-unverified" in captured.err
    assert main(["check", str(path), "--allow-unverified"]) == 0
    assert "claim C1: unverified" in capsys.readouterr().out
    assert main(["check", str(path), "--json"]) == 3
    (report,) = json.loads(capsys.readouterr().out)
    assert (report["clean"], report["verified"], report["denied"]) == (False, False, False)
    assert [f["kind"] for f in report["findings"] if f["unchecked"]] == ["ptp", "mue", "aoc"]


def test_a_non_utf8_claim_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 11: a non-UTF-8 claim file gave a raw UnicodeDecodeError traceback
    path = tmp_path / "lines.csv"
    path.write_bytes(
        b"claim_id,line_id,code,date_of_service\r\nA,1,11111,2026-08-03\r\nA\xe9,2,22222,x\r\n"
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("codekit: claim: lines.csv is not UTF-8 text (byte 0xe9 on line 3)")
    assert "save the file as UTF-8" in err
    assert "Traceback" not in err
