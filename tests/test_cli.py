"""The ``codekit`` command: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import codekit
from codekit._cli.main import main
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl


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
        (["lookup", "250.00"], 2, "ICD-9-CM 250.00 (--code-set icd9cm)"),
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
    assert main(["releases", "--all", "--code-set", "icd10cm"]) == 0
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


# -- issue 11: codes of several code sets, the CLI's own words, hostile pack text -----------


def test_a_code_of_two_code_sets_lists_both_entries(
    data_dir: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import simple_icd_10_cm as icd

    # J1100: HCPCS dexamethasone injection (packaged, checked against the IOCE table in
    # test_hcpcs_packaged) and ICD-10-CM J11.00 (CDC tabular)
    hcpcs = codekit.describe("J1100", code_set="hcpcs")
    assert "dexamethasone" in hcpcs.lower()
    assert main(["lookup", "J1100"]) == 0
    out = capsys.readouterr().out
    assert f"J1100  {hcpcs}" in out
    assert f"J11.00  {icd.get_description('J11.00')}" in out
    assert "--code-set" in out
    assert main(["lookup", "J1100", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert sorted(e["code_set"] for e in entries) == ["hcpcs", "icd10cm"]
    assert main(["lookup", "J1100", "--kind", "procedure", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code_set"] == "hcpcs"
    assert main(["lookup", "J1100", "--code-set", "icd10cm", "--code-set", "icd9cm"]) == 0
    assert capsys.readouterr().out.startswith("J11.00  ")
    assert main(["page", "J1100"]) == 0
    out = capsys.readouterr().out
    assert f"J1100  {hcpcs}" in out
    assert "J11.00  " in out
    # G0008 exists only as HCPCS: no listing, one answer
    assert main(["lookup", "G0008"]) == 0
    assert capsys.readouterr().out.startswith(
        f"G0008  {codekit.describe('G0008', code_set='hcpcs')}"
    )


def test_errors_name_command_line_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "11"]) != 0
    err = capsys.readouterr().err
    assert "--code-set pos" in err
    assert "code_set=" not in err
    assert main(["lookup", "E11.9", "--code-set", "icd10cm", "--kind", "modifier"]) == 0
    capsys.readouterr()


def test_no_mapping_for_an_invalid_code_says_it_is_invalid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["map", "E11.99", "--to", "icd9cm"]) == 1
    out = capsys.readouterr().out
    assert "E11.99 is not a valid code" in out
    assert "did you mean E11.9" in out


HOSTILE = "Evil \x1b[2J\x1b]0;owned\x07 text\x9b31m \u202eright-to-left\r"


class _HostilePlugin:
    """A plugin whose data carries terminal escape sequences (as a crafted pack could)."""

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="zz", title="ZZ", pattern="ZZ[0-9]", detect=False))
        registrar.add_release(
            DataRelease(code_set="zz", release="1", effective=dt.date(2000, 1, 1), origin="plugin"),
            records=[CodeRecord(code="ZZ1", description=HOSTILE, notes={"includes": [HOSTILE]})],
        )


@pytest.mark.parametrize("command", ["lookup", "page"])
def test_pack_text_is_printed_without_terminal_escapes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from codekit.testing import isolated_registry

    with isolated_registry(_HostilePlugin()):
        assert main([command, "ZZ1", "--code-set", "zz"]) == 0
        out = capsys.readouterr().out
        for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
            assert raw not in out
        assert "Evil \\x1b[2J\\x1b]0;owned\\x07 text\\x9b31m \\u202eright-to-left\\x0d" in out
        assert main([command, "ZZ1", "--code-set", "zz", "--json"]) == 0
        text = capsys.readouterr().out
        assert "\x9b" not in text
        assert "\u202e" not in text
        assert json.loads(text)["description"] == HOSTILE


def test_a_stale_answer_is_one_warning_line(tmp_path: Path) -> None:
    newest = codekit.data_releases("hcpcs")[-1]
    assert newest.until is not None
    later = (newest.until + dt.timedelta(days=1)).isoformat()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codekit",
            "lookup",
            "J1100",
            "--code-set",
            "hcpcs",
            "--as-of",
            later,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CODEKIT_DATA_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("J1100  ")
    (line,) = done.stderr.splitlines()
    assert line.startswith("codekit: warning: no HCPCS Level II release covers " + later)
    assert "StaleDataWarning" not in line
