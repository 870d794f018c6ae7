"""The ``codekit`` command: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from codekit._cli.main import main


def test_lookup_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "E11.9"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("E11.9  Type 2 diabetes mellitus without complications")
    assert "icd10cm FY2027" in out


def test_lookup_json_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "m545", "--as-of", "2021-09-30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "M54.5"
    assert data["release"] == "FY2021-01"
    assert data["billable"] is True


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["lookup", "E11.99"], 1, "did you mean E11.9"),
        (["lookup", "A0100"], 2, "fits more than one code set"),
        (["lookup", "!!"], 2, "is not a code"),
        (["lookup", "E11.9", "--as-of", "2021-02-30"], 2, "is not a date"),
        (["lookup", "E11.9", "--code-set", "icd11"], 2, "unknown code set"),
        (["lookup", "E11.9", "--as-of", "2001-01-01"], 1, "no ICD-10-CM release"),
        (["lookup"], 2, "required"),
    ],
)
def test_errors_are_one_line(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        result = main(argv)
    except SystemExit as exit_:
        result = int(exit_.code or 0)
    err = capsys.readouterr().err
    assert result == code
    assert message in err
    assert "Traceback" not in err


def test_releases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "--code-set", "icd10cm"]) == 0
    out = capsys.readouterr().out
    assert "FY2019" in out
    assert "FY2026" in out
    assert main(["releases", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"code_set": "icd10cm", "release": "FY2026"}.items() <= next(
        r for r in rows if r["release"] == "FY2026"
    ).items()


def test_console_script_runs_as_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "codekit", "lookup", "e119"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert "Type 2 diabetes mellitus without complications" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "codekit", "lookup", "E11.99"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
