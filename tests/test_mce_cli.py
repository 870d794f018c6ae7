"""``codekit mce FILE.json``: the MCE over claims in a file, with CMS's edits and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codekit._cli.main import main

STAY = {
    "claim_id": "a",
    "principal": "O80",
    "secondary": ["O80"],
    "age": 66,
    "sex": "F",
    "discharge_status": 1,
    "discharge_date": "2025-06-30",
}


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_a_denied_claim_exits_1_and_names_the_edits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # O80 (normal delivery) is a maternity code (ages 9-64) and repeats the principal
    clean = {**STAY, "claim_id": "b", "secondary": [], "age": 30}
    assert main(["mce", write(tmp_path, [STAY, clean])]) == 1
    out = capsys.readouterr().out
    assert "claim a: denied" in out
    assert "duplicate_of_pdx" in out
    assert "age_conflict" in out
    assert "claim b: clean" in out


def test_a_clean_claim_exits_0_with_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mce", write(tmp_path, {**STAY, "secondary": [], "age": 30}), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["clean"]
    assert report["tables"][0]["release"] == "v42.1"  # 2025-06-30: the April 2025 MCE


def test_a_date_outside_every_version_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = {**STAY, "secondary": [], "age": 30, "discharge_date": "2027-06-30"}
    assert main(["mce", write(tmp_path, late)]) == 3
    assert "--version" in capsys.readouterr().err
    assert main(["mce", write(tmp_path, late), "--version", "v44"]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), ('{"principal": "O80"}', "age is missing"), ("[3]", "mapping")],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["mce", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
