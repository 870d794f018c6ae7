"""HCPCS Level II + modifiers importer, checked against the genuine CMS files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import codekit
import codekit.data
from codekit import _registry
from codekit._importers import hcpcs
from codekit._store.packs import list_packs
from codekit._store.sqlite import Dataset, SqliteRelease
from codekit.exceptions import IncompleteReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from codekit.plugins import CodeRecord

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
_RECORD = re.compile(rb"(?:   [0-9A-Z]{2}|[A-Z][0-9]{4})[0-9]{5}[3478]")

pytestmark = pytest.mark.corpus


def _raw_lines(path: Path) -> list[bytes]:
    """The file's lines as bytes, split only on CR LF (the files' line ends)."""
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _records(kind: str) -> dict[str, CodeRecord]:
    (pack,) = list(list_packs(kind))
    source = SqliteRelease(Dataset(lambda: pack.path / "codes.sqlite", "test"), 0)
    return {r.code: r for r in source.records()}


@pytest.fixture(scope="module")
def hcpcs_dir(cms_corpus: Path) -> Path:
    return cms_corpus / "hcpcs"


# -- 2019: every line, both formats --------------------------------------------------------


def test_2019_text_every_line_is_accounted_for(hcpcs_dir: Path) -> None:
    path = hcpcs_dir / "HCPC2019_CONTR_ANWEB.txt"
    lines = _raw_lines(path)
    first = next(i for i, line in enumerate(lines) if _RECORD.match(line))
    recids = [line[10:11] for line in lines[first:]]
    assert all(_RECORD.match(line) for line in lines[first:])
    parsed = hcpcs.parse_text(path)
    assert parsed.stats == {
        "lines": len(lines),
        "preamble": first,  # the disclaimer lines of the 2019 file
        "blank": 0,
        "first_lines": recids.count(b"3") + recids.count(b"7"),
        "continuations": recids.count(b"4") + recids.count(b"8"),
    }
    assert first > 0
    assert sum(not e.modifier for e in parsed.entries) == recids.count(b"3")
    assert sum(e.modifier for e in parsed.entries) == recids.count(b"7")


def test_2019_proc_notes_every_line_is_accounted_for(hcpcs_dir: Path) -> None:
    path = hcpcs_dir / "proc_notes_2019.txt"
    lines = _raw_lines(path)
    notes, stats = hcpcs.parse_proc_notes(path)
    starts = [line for line in lines if re.match(rb"\s*[0-9]{4}--", line)]
    assert stats["lines"] == len(lines)
    assert stats["notes"] == len(starts) == len(notes)
    assert sum(stats.values()) - stats["lines"] == len(lines)
    assert notes["0013"] == (
        "THIS DEVICE (E0194) SHOULD NOT BE CONFUSED WITH E0193 POWERED FLOTATION THERAPY BED "
        "(LOW AIR LOSS BED). SEE CIM TRANS. NO. 44, JULY 1990."
    )


@pytest.fixture(scope="module")
def installed_2019(
    hcpcs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, dict[str, CodeRecord]]]]:
    """The complete 2019 release installed from the txt and, separately, from the xlsx."""
    pytest.importorskip("openpyxl")
    found: dict[str, dict[str, dict[str, CodeRecord]]] = {}
    with pytest.MonkeyPatch.context() as patch:
        for fmt in ("txt", "xlsx"):
            patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp(fmt)))
            _registry.reset()
            packs = codekit.data.install(
                [hcpcs_dir / f"HCPC2019_CONTR_ANWEB.{fmt}", hcpcs_dir / "proc_notes_2019.txt"]
            )
            assert [(p.kind, p.release) for p in packs] == [
                ("hcpcs", "2019-JAN"),
                ("modifier", "2019-JAN"),
            ]
            found[fmt] = {"hcpcs": _records("hcpcs"), "modifier": _records("modifier")}
        _registry.reset()
    yield found
    _registry.reset()


def _xlsx_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Raw first-line rows of the xlsx, read with openpyxl directly (the oracle)."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbook's print header is not parseable
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    header: list[str] | None = None
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if header is None:
            if row[0] == "HCPC":
                header = [str(h) for h in row]
            continue
        record = dict(zip(header, row, strict=False))
        if record["RECID"] in ("3", "7"):
            found[str(record["HCPC"]).strip()] = record
    book.close()
    return found


@pytest.mark.slow
def test_2019_txt_and_xlsx_packs_agree_record_for_record(
    installed_2019: dict[str, dict[str, dict[str, CodeRecord]]], hcpcs_dir: Path
) -> None:
    txt, xlsx = installed_2019["txt"], installed_2019["xlsx"]
    raw = _xlsx_rows(hcpcs_dir / "HCPC2019_CONTR_ANWEB.xlsx")
    for kind in ("hcpcs", "modifier"):
        assert sorted(txt[kind]) == sorted(xlsx[kind])
        for code, a in txt[kind].items():
            b = xlsx[kind][code]
            assert (a.description, a.short_description, a.start, a.end, a.billable) == (
                b.description,
                b.short_description,
                b.start,
                b.end,
                b.billable,
            ), code
            for key in sorted(set(a.attributes) | set(b.attributes)):
                if a.attributes.get(key) == b.attributes.get(key):
                    continue
                # CMS's two files disagree on a few cells; the xlsx pack must then say
                # exactly what the workbook says.
                cells = raw[code]
                if key == "action_effective":
                    assert cells["ACT EFF DT"] is None, code
                    assert key not in b.attributes
                elif key == "types_of_service":
                    assert b.attributes[key] == [
                        cells[f"TOS{i}"] for i in range(1, 6) if cells[f"TOS{i}"]
                    ], code
                else:
                    pytest.fail(f"{code}: {key} differs: {a.attributes.get(key)!r}")
    assert len(txt["hcpcs"]) > 6000
    assert len(txt["modifier"]) > 300


def test_2019_pack_answers_lookups(
    installed_2019: dict[str, dict[str, dict[str, CodeRecord]]], hcpcs_dir: Path
) -> None:
    for fmt in ("txt", "xlsx"):
        j1100 = installed_2019[fmt]["hcpcs"]["J1100"]
        # Values as they stand in line J1100 of HCPC2019_CONTR_ANWEB.txt.
        assert j1100.description == "Injection, dexamethasone sodium phosphate, 1 mg"
        assert j1100.short_description == "Dexamethasone sodium phos"
        assert j1100.attributes["pricing_indicators"] == ["51"]
        assert j1100.attributes["multiple_pricing_indicator"] == "A"
        assert j1100.attributes["betos"] == "O1E"
        assert j1100.attributes["types_of_service"] == ["1", "P"]
        assert j1100.attributes["coverage"] == "D"
        assert j1100.attributes["added"] == "1982-01-01"
        assert j1100.attributes["action_code"] == "N"
        am = installed_2019[fmt]["modifier"]["AM"]
        assert am.attributes["processing_note"] == "0069"
        assert am.attributes["processing_note_text"].startswith(
            "FOR ASSISTANT SURGEON SERVICES MODIFIERS"
        )


def test_2019_lookups_through_the_public_api(
    hcpcs_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from codekit._cli.main import main

    assert main(["data", "install", str(hcpcs_dir / "HCPC2019_CONTR_ANWEB.txt")]) == 0
    assert "release 2019-JAN (effective 2019-01-01)" in capsys.readouterr().err
    # The pack is the only release of early 2019 (the packaged quarters start in July).
    assert codekit.lookup("J1100", code_set="hcpcs", as_of="2019-02-01").short_description == (
        "Dexamethasone sodium phos"
    )
    # (the packaged modifier numbers, without texts, answer from July 2019)
    assert codekit.lookup("rt", code_set="modifier", as_of="2019-02-01").description == (
        "Right side (used to identify procedures performed on the right side of the body)"
    )
    assert codekit.is_valid("J1100", code_set="hcpcs", as_of="2019-06-01")
    # G0503 carries TERM DT 20171231 in the 2019 file: listed, but not valid in 2019.
    g0503 = codekit.lookup("G0503", code_set="hcpcs", release="2019-JAN")
    assert g0503.attributes["terminated"] == "2017-12-31"
    assert not codekit.is_valid("G0503", code_set="hcpcs", as_of="2019-06-01")
    assert codekit.data_releases("hcpcs")[0].origin == "pack"
    assert main(["data", "install", str(hcpcs_dir / "HCPC2019_CONTR_ANWEB.txt")]) == 0


# -- 2026 excerpts ------------------------------------------------------------------------


def test_2026_text_excerpt_without_disclaimer_parses_exactly(
    hcpcs_dir: Path, data_dir: Path
) -> None:
    path = hcpcs_dir / "HCPC2026_JAN_ANWEB_01122026.excerpt.txt"
    lines = _raw_lines(path)
    assert all(len(line) == 320 and _RECORD.match(line) for line in lines)
    parsed = hcpcs.parse_text(path)
    recids = [line[10:11] for line in lines]
    assert parsed.stats == {
        "lines": len(lines),
        "preamble": 0,
        "blank": 0,
        "first_lines": recids.count(b"7"),
        "continuations": recids.count(b"8"),
    }
    # An excerpt: far fewer modifiers than the packaged 2026-JAN release it would replace.
    with pytest.raises(IncompleteReleaseError, match="modifier"):
        codekit.data.install(path)
    packs = codekit.data.install(path, force=True)
    # The excerpt holds only modifier records: no (empty) hcpcs release is installed.
    assert [(p.kind, p.release, str(p.effective)) for p in packs] == [
        ("modifier", "2026-JAN", "2026-01-01"),
    ]
    first_lines = [line for line in lines if line[10:11] == b"7"]
    assert packs[0].manifest["rows"] == len(first_lines)
    for line in first_lines:
        code = line[3:5].decode()
        assert codekit.lookup(code, code_set="modifier", as_of="2026-01-01").short_description == (
            line[91:119].decode("latin-1").strip()
        )


def test_2026_csv_excerpt_parses_exactly(hcpcs_dir: Path, data_dir: Path) -> None:
    path = hcpcs_dir / "HCPC2026_OCT_ANWEB.excerpt.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    parsed = hcpcs.parse_csv(path)
    assert parsed.stats["rows"] == len(rows) + 1
    assert parsed.stats["data"] == len(rows)
    codekit.data.install(path)
    for row in rows:
        code = codekit.lookup(row["HCPC"], code_set="modifier", release="2026-OCT")
        assert code.description == row["LONG DESCRIPTION"]
        terminated = row["TERM DT"]
        valid = codekit.is_valid(row["HCPC"], code_set="modifier", as_of="2026-10-15")
        assert valid == (not terminated or terminated >= "20261015"), row["HCPC"]
    assert not codekit.is_valid("GD", code_set="modifier", as_of="2026-10-15")
    assert codekit.is_valid("A1", code_set="modifier", as_of="2026-10-15")


def test_synthetic_files_without_the_corpus(data_dir: Path) -> None:
    parsed = hcpcs.parse_text(FIXTURES / "HCPC2030_JAN_ANWEB.txt")
    assert parsed.stats["preamble"] == 7
    zz = next(e for e in parsed.entries if e.code == "ZZ")
    assert zz.long == (
        "Synthetic modifier whose long description is long enough to need a second "
        "record in the file"
    )
