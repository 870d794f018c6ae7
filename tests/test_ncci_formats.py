"""CMS layouts other than the corpus files: PTP ``.xlsx`` and zipped parts, MUE ``.xlsx``,
the AOC text versions, Medicaid tables, and broken files.

Each synthetic file is written in the official layout and must read back to the rows it was
written from (the rows are the truth); the same rows in two layouts must read the same.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

import codekit
from codekit._edits.ncci import formats
from codekit._edits.ncci.rules import OPEN
from codekit._edits.ncci.synthetic import julian, write_aoc, write_mue, write_ptp
from codekit._importers import install_files
from codekit.exceptions import DataError, DataFileError

PTP = [
    ("11111", "22222", "20200101", "*", 0, "Mutually exclusive procedures"),
    ("11111", "33333", "19960101", "20231231", 1, "Standards of medical / surgical practice"),
    ("0001U", "G0008", "20220101", "20220101", 9, "CPT Manual or CMS manual coding instruction"),
]
MUE = [("11111", 2, 1, "Anatomic Consideration"), ("J1100", 30, 3, "Clinical: Data")]
J = julian(dt.date(2013, 4, 1))
AOC = [
    ("1", "30001", "", "30010", julian(dt.date(2024, 12, 31)), J, "", ""),
    (
        "2",
        "30003",
        "",
        "CCCCC",
        "",
        J,
        julian(dt.date(2025, 3, 31)),
        "Contractor Defined Primary Codes",
    ),
    ("3", "30004", julian(dt.date(2025, 12, 31)), "30014", "", J, "", ""),
]


@pytest.fixture(autouse=True)
def _ncci_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables use made-up code numbers, so the checks here leave code validity out
    (it has its own tests in ``test_ncci_validity.py``)."""
    from codekit._edits.ncci import policy

    monkeypatch.setattr(policy, "DEFAULT_POLICY", policy.Policy(validate_codes=False))


def _ymd(text: str) -> int:
    if text == "*":
        return OPEN
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).toordinal()


@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_ptp_layouts_read_back(tmp_path: Path, fmt: str) -> None:
    rows, names = formats.read_ptp([write_ptp(tmp_path, PTP, fmt=fmt)])
    assert names == [f"ccipra-v322r0-f1.{fmt}"]
    assert list(zip(rows.column1, rows.column2, rows.indicator, rows.rationale, strict=True)) == [
        (r[0], r[1], r[4], r[5]) for r in PTP
    ]
    assert rows.effective == [_ymd(r[2]) for r in PTP]
    assert rows.deletion == [_ymd(r[3]) for r in PTP]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mue_layouts_read_back(tmp_path: Path, fmt: str) -> None:
    rows, _ = formats.read_mue(write_mue(tmp_path, MUE, fmt=fmt))
    assert list(zip(rows.code, rows.value, rows.mai, rows.rationale, strict=True)) == list(MUE)
    assert rows.mai_text == ["1 Line Edit", "3 Date of Service Edit: Clinical"]


@pytest.mark.parametrize("fmt", ["xlsx", "tab", "fixed"])
def test_aoc_layouts_read_back(tmp_path: Path, fmt: str) -> None:
    rows, _ = formats.read_aoc(write_aoc(tmp_path, AOC, fmt=fmt))
    assert list(zip(rows.aoc_type, rows.add_on, rows.primary, rows.notes, strict=True)) == [
        (int(r[0]), r[1], r[3], r[7]) for r in AOC
    ]
    assert rows.primary_deletion[0] == dt.date(2024, 12, 31).toordinal()
    assert rows.deletion[1] == dt.date(2025, 3, 31).toordinal()
    assert rows.add_on_deletion[2] == dt.date(2025, 12, 31).toordinal()
    assert rows.effective == [dt.date(2013, 4, 1).toordinal()] * 3


def test_julian_dates() -> None:
    assert formats.julian("2013091", empty=0) == dt.date(2013, 4, 1).toordinal()
    assert formats.julian("2024366", empty=0) == dt.date(2024, 12, 31).toordinal()
    assert formats.julian("", empty=OPEN) == OPEN
    with pytest.raises(DataError, match="Julian"):
        formats.julian("2024-01", empty=0)


def test_zipped_parts_form_one_release(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    part1 = write_ptp(src, PTP[:2], part=1)
    part2 = write_ptp(src, PTP[2:], part=2, fmt="xlsx")
    archive = tmp_path / "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(part1, part1.name)
        zipped.write(part2, part2.name)
        zipped.writestr("README.pdf", b"%PDF-1.4 not a table")
    (pack,) = install_files([archive])
    assert (pack.kind, pack.release, pack.manifest["rows"]) == (
        "ncci_ptp",
        "2026Q3-practitioner",
        3,
    )
    assert pack.manifest["source_files"] == ["ccipra-v322r0-f1.txt", "ccipra-v322r0-f2.xlsx"]
    assert [e.column2 for e in codekit.ptp_edits("G0008")] == ["G0008"]


def test_parts_of_different_revisions_are_refused(tmp_path: Path, data_dir: Path) -> None:
    one = write_ptp(tmp_path, PTP, part=1)
    two = write_ptp(tmp_path, PTP, part=2, revision=1)
    with pytest.raises(DataError, match="different versions"):
        install_files([one, two])
    # another quarter's version is another release: two packs
    older = write_ptp(tmp_path, PTP, part=1, version="321")
    packs = install_files([one, older])
    assert sorted(p.release for p in packs) == ["2026Q2-practitioner", "2026Q3-practitioner"]


def test_a_file_named_like_ptp_without_a_header_is_refused(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "ccipra-v322r0-f1.txt"
    path.write_text("11111\t22222\t\t20200101\t*\t1\tx\n")
    with pytest.raises(DataFileError, match="header"):
        install_files([path])


def test_a_bad_row_names_file_and_line(tmp_path: Path) -> None:
    path = write_ptp(tmp_path, [*PTP, ("11111", "44444", "2020-01-01", "*", 1, "x")])
    with pytest.raises(DataError, match=r"ccipra-v322r0-f1.txt: line 10: effective date"):
        formats.read_ptp([path])


def test_medicaid_tables_stay_apart(tmp_path: Path, data_dir: Path) -> None:
    medicare = write_mue(tmp_path, [("11111", 2, 2, "Policy")])
    medicaid = write_mue(tmp_path, [("11111", 5, 2, "Policy")], program="MCD")
    packs = install_files([medicare, medicaid])
    assert sorted(p.release for p in packs) == [
        "2026Q3-practitioner",
        "2026Q3-practitioner-medicaid",
    ]
    assert codekit.mue("11111").value == 2  # type: ignore[union-attr]
    assert codekit.mue("11111", program="medicaid").value == 5  # type: ignore[union-attr]
    lines = [{"code": "11111", "units": 4, "date_of_service": "2026-08-03"}]
    assert codekit.check_claim({"lines": lines}).denied
    assert not codekit.check_claim({"program": "medicaid", "lines": lines}).denied


# -- CMS text is Windows-1252: byte 0x85 is an ellipsis, not a line break ---------------

#: What Windows-1252 (CMS's encoding) makes of the byte 0x85: the ellipsis, U+2026.
ELLIPSIS = b"\x85".decode("cp1252")


def _with_ellipsis(path: Path, text: str) -> Path:
    """The file with ``text`` followed by the byte 0x85 where ``text`` first appears."""
    data = path.read_bytes()
    assert text.encode() in data
    path.write_bytes(data.replace(text.encode(), text.encode() + b"\x85 (see manual)", 1))
    return path


def test_a_ptp_rationale_with_byte_0x85_stays_one_line(tmp_path: Path, data_dir: Path) -> None:
    path = _with_ellipsis(write_ptp(tmp_path, PTP), "Mutually exclusive procedures")
    (pack,) = install_files([path])
    assert pack.manifest["rows"] == len(PTP)
    rows, _ = formats.read_ptp([path])
    assert rows.rationale[0] == f"Mutually exclusive procedures{ELLIPSIS} (see manual)"
    assert rows.column2 == [r[1] for r in PTP]


def test_an_mue_rationale_with_byte_0x85_stays_one_record(tmp_path: Path, data_dir: Path) -> None:
    path = _with_ellipsis(write_mue(tmp_path, MUE), "Anatomic Consideration")
    (pack,) = install_files([path])
    assert pack.manifest["rows"] == len(MUE)
    rows, _ = formats.read_mue(path)
    assert rows.rationale == [f"Anatomic Consideration{ELLIPSIS} (see manual)", MUE[1][3]]


@pytest.mark.parametrize("fmt", ["tab", "fixed"])
def test_an_aoc_note_with_byte_0x85_stays_one_line(
    tmp_path: Path, data_dir: Path, fmt: str
) -> None:
    path = _with_ellipsis(write_aoc(tmp_path, AOC, fmt=fmt), "Contractor Defined Primary Codes")
    (pack,) = install_files([path])
    assert pack.manifest["rows"] == len(AOC)
    rows, _ = formats.read_aoc(path)
    assert rows.notes[1] == f"Contractor Defined Primary Codes{ELLIPSIS} (see manual)"


def test_an_mue_code_given_twice_is_refused_naming_both_lines(
    tmp_path: Path, data_dir: Path
) -> None:
    path = write_mue(tmp_path, [MUE[0], MUE[1], ("11111", 3, 1, "Policy")])
    lines = [n for n, line in enumerate(path.read_bytes().split(b"\n"), 1) if line[:5] == b"11111"]
    assert len(lines) == 2
    with pytest.raises(
        DataFileError, match=rf"line {lines[1]}: code 11111 appears twice \(lines {lines[0]} and"
    ):
        install_files([path])
    assert codekit.data.list() == []
