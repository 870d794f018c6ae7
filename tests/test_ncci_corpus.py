"""The NCCI readers and engine on genuine CMS files (through the ``cms_corpus`` fixture).

Truths come from the files themselves (read here with plain ``csv``/``openpyxl``, not with
codekit's readers), from ``SOURCE.md`` row counts, and from NCCI.md's statements about the
corpus excerpt.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

import codekit
import codekit.ncci
from codekit import _registry
from codekit._edits.ncci import formats
from codekit._edits.ncci.rules import OPEN
from codekit._importers import detect_file, install_files

pytestmark = pytest.mark.corpus

PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"


@pytest.fixture(autouse=True)
def _ncci_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables use made-up code numbers, so the checks here leave code validity out
    (it has its own tests in ``test_ncci_validity.py``)."""
    from codekit._edits.ncci import policy

    monkeypatch.setattr(policy, "DEFAULT_POLICY", policy.Policy(validate_codes=False))


def _plain_ptp(path: Path) -> list[list[str]]:
    """Data rows as a plain reader sees them: the lines after CMS's six notice/header lines."""
    lines = path.read_bytes().decode("ascii").split("\r\n")
    return [line.split("\t") for line in lines[6:] if line]


def test_ptp_excerpt_parses_exactly(cms_corpus: Path) -> None:
    rows, names = formats.read_ptp([cms_corpus / PTP])
    plain = _plain_ptp(cms_corpus / PTP)
    assert len(rows) == len(plain) == 154  # SOURCE.md: 154 data rows
    assert names == ["ccipra-v322r0-f1.excerpt.txt"]
    for i, fields in enumerate(plain):
        assert (rows.column1[i], rows.column2[i]) == (fields[0], fields[1])
        assert rows.indicator[i] == int(fields[5])
        assert rows.rationale[i] == fields[6]
        assert dt.date.fromordinal(rows.effective[i]).strftime("%Y%m%d") == fields[3]
        if fields[4] == "*":
            assert rows.deletion[i] == OPEN
        else:
            assert dt.date.fromordinal(rows.deletion[i]).strftime("%Y%m%d") == fields[4]


def test_ptp_excerpt_date_facts_quoted_in_ncci_md(cms_corpus: Path) -> None:
    rows, _ = formats.read_ptp([cms_corpus / PTP])
    deletions = [dt.date.fromordinal(d) for d in rows.deletion if d != OPEN]
    # "82 of the 88 deletion dates in the corpus excerpt end in 0331/0630/0930/1231"
    assert len(deletions) == 88
    assert sum((d.month, d.day) in {(3, 31), (6, 30), (9, 30), (12, 31)} for d in deletions) == 82
    # "Indicator 9 is used exactly when deletion == effective"
    for eff, dele, ind in zip(rows.effective, rows.deletion, rows.indicator, strict=True):
        assert (ind == 9) == (eff == dele)


def test_mue_excerpt_parses_exactly(cms_corpus: Path) -> None:
    text = (cms_corpus / MUE).read_bytes().decode("latin-1")
    records = list(csv.reader(io.StringIO(text, newline="")))
    plain = records[2:]  # notice record, header record (with its embedded line break)
    assert records[1][0] == "HCPCS/\nCPT Code"
    rows, _ = formats.read_mue(cms_corpus / MUE)
    assert len(rows) == len(plain) == 44  # SOURCE.md: 44 data rows
    assert (rows.code[0], rows.code[-1]) == ("0001U", "0041U")
    assert rows.value_header == "Practitioner Services MUE Values"
    for i, fields in enumerate(plain):
        assert (rows.code[i], rows.value[i], rows.mai_text[i]) == (
            fields[0],
            int(fields[1]),
            fields[2],
        )
        assert rows.mai[i] == int(fields[2][0])


def test_aoc_file_parses_exactly(cms_corpus: Path) -> None:
    rows, _ = formats.read_aoc(cms_corpus / AOC)
    assert len(rows) == 9000
    assert collections.Counter(rows.aoc_type) == {1: 8293, 3: 660, 2: 47}
    type2 = {p for k, p in zip(rows.aoc_type, rows.primary, strict=True) if k == 2}
    assert type2 == {"CCCCC"}  # type 2: contractor-defined primaries only
    import openpyxl

    book = openpyxl.load_workbook(cms_corpus / AOC, read_only=True)
    plain = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    book.close()
    for i in (0, 1, 2, 4500, 8999):
        kind, add_on, _add_del, primary, _primary_del, eff, _dele, _ = (
            str(cell) if cell is not None else "" for cell in plain[i]
        )
        assert (rows.aoc_type[i], rows.add_on[i], rows.primary[i]) == (int(kind), add_on, primary)
        year, day = int(eff[:4]), int(eff[4:])
        assert rows.effective[i] == dt.date(year, 1, 1).toordinal() + day - 1


@pytest.fixture(scope="module")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        install_files([cms_corpus / PTP, cms_corpus / MUE, cms_corpus / AOC])
        yield
    _registry.reset()


def test_detection_of_genuine_file_names(cms_corpus: Path) -> None:
    found = detect_file(cms_corpus / PTP)
    assert (found.kind, found.release, found.effective) == (
        "ncci_ptp",
        "2026Q3-practitioner",
        dt.date(2026, 7, 1),
    )
    found = detect_file(cms_corpus / MUE)
    assert (found.kind, found.release, found.effective) == (
        "ncci_mue",
        "2026Q3-practitioner",
        dt.date(2026, 7, 1),
    )
    found = detect_file(cms_corpus / AOC)
    assert (found.kind, found.release, found.effective) == (
        "ncci_aoc",
        "2026Q2",
        dt.date(2026, 4, 1),
    )


def test_addon_primaries_from_the_genuine_aoc_file(installed: None) -> None:
    assert "0627T" in codekit.addon_primaries("0628T")
    assert codekit.addon_primaries("0072U") == ("0070U",)  # a type 1 row of the file
    assert codekit.addon_primaries("0054T") == ()  # type 2: CCCCC only


def test_genuine_ptp_deletion_edge(installed: None) -> None:
    # 0001U/0029U: effective 20180701, deleted 20260630, indicator 1 (see SOURCE.md)
    def lines(day: str) -> codekit.Claim:
        return codekit.Claim.from_dict(
            {
                "lines": [
                    {"code": "0001U", "date_of_service": day},
                    {"code": "0029U", "date_of_service": day},
                ]
            }
        )

    # the table that lists the row is the 2026Q3 one: asked for by as_of (a date before a
    # table's period has no table, by the one table rule)
    last = codekit.check_claim(lines("2026-06-30"), as_of="2026-07-01")
    assert [(f.kind, f.codes, f.deletion) for f in last.findings if f.kind == "ptp"] == [
        ("ptp", ("0001U", "0029U"), dt.date(2026, 6, 30))
    ]
    assert [f for f in codekit.check_claim(lines("2026-07-01")).findings if f.kind == "ptp"] == []


def test_genuine_mue_value(installed: None) -> None:
    limit = codekit.mue("0001U", as_of="2026-07-01")
    assert limit is not None
    assert (limit.value, limit.mai) == (1, 2)
    assert limit.provenance.source_file == "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"


def test_a_code_page_lists_the_add_on_codes_naming_it_as_primary(
    cms_corpus: Path, installed: None
) -> None:
    # issue 11: 99213 -> G2211 and 0627T -> 0628T, as CMS's AOC 2026Q2 file lists them
    import openpyxl

    book = openpyxl.load_workbook(cms_corpus / AOC, read_only=True)
    truth: dict[str, set[str]] = {}
    for row in book.worksheets[0].iter_rows(values_only=True):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if len(cells) > 3 and cells[0] in ("1", "2", "3"):
            truth.setdefault(cells[3], set()).add(cells[1])
    assert "G2211" in truth["99213"]
    assert "0628T" in truth["0627T"]
    for primary in ("99213", "0627T"):
        assert {e.add_on for e in codekit.ncci.addons_of(primary)} == truth[primary]
        page = codekit.page(primary)
        listed = {row["add_on"] for row in page.addons.rows if "add_on" in row}
        assert listed == truth[primary], primary
        assert all(row["primary"] == primary for row in page.addons.rows if "add_on" in row)
    assert "G2211" in {e.add_on for e in codekit.ncci.addons_of("99213", as_of="2026-05-01")}
