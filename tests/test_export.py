"""``codekit data export`` and ``codekit.frames.export_table``: installed tables as Parquet.

Truths: the genuine CMS files of the corpus (PTP, MUE, AOC, the 2018 GEM), read here with
the standard library and openpyxl; CDC's order file excerpt for ICD-10-CM titles and
billable flags; and codekit's own per-code answers (``codekit.ncci.ptp_edits``, ``mue``,
``aoc_edits``, ``codekit.lookup``, ``codekit.crosswalk``) on the same release.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
import codekit.data
import codekit.ncci
from codekit import _registry
from codekit._cli.main import main
from codekit.exceptions import CodekitError, InvalidValueError, UnknownReleaseError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import codekit.frames  # noqa: E402 - after the skips above

PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"
GEM = "gems/2018_I9gem.txt"
ORDER = "icd10cm/icd10cm_order_2026.excerpt.txt"


@pytest.fixture(scope="module")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("export-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(folder))
        _registry.reset()
        codekit.data.install([cms_corpus / n for n in (PTP, MUE, AOC, GEM)])
        yield folder
    _registry.reset()


@pytest.fixture
def tables(installed: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(installed))
    _registry.reset()
    yield installed
    _registry.reset()


def _yyyymmdd(text: str) -> dt.date | None:
    return None if text.strip() in ("", "*") else dt.datetime.strptime(text, "%Y%m%d").date()


def _julian(text: Any) -> dt.date | None:
    return None if not text else dt.datetime.strptime(str(text), "%Y%j").date()


def _ptp_file(corpus: Path) -> set[tuple[Any, ...]]:
    rows = (corpus / PTP).read_bytes().decode("ascii").split("\r\n")[6:]
    found = set()
    for row in filter(None, rows):
        one, two, prior, effective, deletion, modifier, rationale = row.split("\t")
        found.add(
            (
                one,
                two,
                prior == "*",
                _yyyymmdd(effective),
                _yyyymmdd(deletion),
                int(modifier),
                rationale,
            )
        )
    return found


def test_ptp_rows_are_the_cms_file_and_ptp_edits(tables: Path, cms_corpus: Path) -> None:
    table = codekit.frames.export_table("ptp")
    names = [
        "column1",
        "column2",
        "prior_1996",
        "effective",
        "deletion",
        "modifier_indicator",
        "rationale",
    ]
    exported = [tuple(row[n] for n in names) for row in table.to_pylist()]
    assert len(exported) == len(set(exported))
    assert set(exported) == _ptp_file(cms_corpus)
    assert set(table.column("release").to_pylist()) == {"2026Q3-practitioner"}
    assert set(table.column("setting").to_pylist()) == {"practitioner"}
    assert set(table.column("source_file").to_pylist()) == {Path(PTP).name}
    # codekit's own per-code answer on the same table: every row of each column 1 code
    for code in sorted(set(table.column("column1").to_pylist()))[:25]:
        edits = codekit.ncci.ptp_edits(code)
        mine = {
            (e.column1, e.column2, e.prior_1996, e.effective, e.deletion, e.modifier_indicator)
            for e in edits
            if e.column1 == code
        }
        theirs = {row[:6] for row in exported if row[0] == code}
        assert mine == theirs


def test_mue_rows_are_the_cms_file_and_mue(tables: Path, cms_corpus: Path) -> None:
    with (cms_corpus / MUE).open(encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle))
    start = next(i for i, row in enumerate(rows) if row[0].startswith("HCPCS")) + 1
    expected = {(r[0], int(r[1]), int(r[2][0]), r[2], r[3]) for r in rows[start:] if r[0]}
    table = codekit.frames.export_table("mue", setting="practitioner")
    names = ["code", "mue_value", "mai", "mai_text", "rationale"]
    exported = [tuple(row[n] for n in names) for row in table.to_pylist()]
    assert sorted(exported) == sorted(expected)
    for code, value, mai, _, rationale in exported:
        limit = codekit.ncci.mue(code)
        assert limit is not None
        assert (limit.value, limit.mai, limit.rationale) == (value, mai, rationale)


def test_aoc_rows_are_the_cms_workbook_and_aoc_edits(tables: Path, cms_corpus: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(cms_corpus / AOC, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "AOC_Edit_Type"))
    expected = {
        (add_on, primary, int(kind), *map(_julian, (eff, dele, add_del, prim_del)), notes or None)
        for kind, add_on, add_del, primary, prim_del, eff, dele, notes in rows[header + 1 :]
        if add_on
    }
    book.close()
    table = codekit.frames.export_table("aoc")
    names = [
        "add_on",
        "primary",
        "aoc_type",
        "effective",
        "deletion",
        "add_on_deletion",
        "primary_deletion",
        "notes",
    ]
    exported = [tuple(row[n] for n in names) for row in table.to_pylist()]
    assert len(exported) == 9000
    assert set(exported) == expected
    for code in sorted({row[0] for row in exported})[:40]:
        edits = codekit.ncci.aoc_edits(code)
        assert {(e.primary, e.aoc_type, e.effective, e.deletion) for e in edits} == {
            (row[1], row[2], row[3], row[4]) for row in exported if row[0] == code
        }


def test_gem_rows_are_the_cms_file_and_crosswalk(tables: Path, cms_corpus: Path) -> None:
    expected = []
    for line in (cms_corpus / GEM).read_text("ascii").splitlines():
        if line.strip():
            source, target, flags = line.split()
            expected.append((source, None if target == "NoDx" else target, flags))
    table = codekit.frames.export_table("icd9cm>icd10cm", release="2018")
    assert table.schema.metadata[b"codekit.release"] == b"2018"
    rows = table.to_pylist()
    compact = [
        (r["source"].replace(".", ""), r["target"] and r["target"].replace(".", ""), r["flags"])
        for r in rows
    ]
    assert sorted(compact, key=str) == sorted(expected, key=str)
    for row in rows[:300]:
        if row["target"] is None:
            continue
        mapped = codekit.crosswalk(row["source"], to="icd10cm", release="2018")
        match = [m for m in mapped if m.target == row["target"]]
        assert match, row
        assert (match[0].approximate, match[0].no_map, match[0].combination) == (
            row["approximate"],
            row["no_map"],
            row["combination"],
        )
        assert (match[0].scenario, match[0].choice_list) == (row["scenario"], row["choice_list"])


def test_icd10cm_rows_are_the_order_file_and_lookup(tables: Path, cms_corpus: Path) -> None:
    table = codekit.frames.export_table("icd10cm", release="FY2026")
    assert set(table.column("release").to_pylist()) == {"FY2026"}
    by_code = {r["code"]: r for r in table.to_pylist() if r["kind"] not in ("chapter", "block")}
    checked = 0
    for line in (cms_corpus / ORDER).read_text("latin-1").splitlines():
        code, billable, long_title = line[6:13].strip(), line[14] == "1", line[77:].strip()
        dotted = code if len(code) == 3 else f"{code[:3]}.{code[3:]}"
        row = by_code[dotted]
        assert (row["billable"], row["title"]) == (billable, long_title)
        answer = codekit.lookup(dotted, code_set="icd10cm", release="FY2026")
        assert (answer.billable, answer.description) == (row["billable"], row["title"])
        assert row["effective_from"] <= dt.date(2026, 3, 31) <= row["effective_to"]
        checked += 1
    assert checked == 100
    # the release's period is the one rule's: FY2026 is followed by its April update
    assert set(table.column("effective_from").to_pylist()) == {dt.date(2025, 10, 1)}
    assert set(table.column("effective_to").to_pylist()) == {dt.date(2026, 3, 31)}


def test_as_of_picks_the_release_in_force(tables: Path) -> None:
    table = codekit.frames.export_table("icd10cm", as_of="2024-05-01")
    chosen = codekit.lookup("E11.9", code_set="icd10cm", as_of="2024-05-01").release
    assert table.schema.metadata[b"codekit.release"].decode() == chosen == "FY2024-04"


def test_parquet_file_round_trips_with_its_schema(tables: Path, tmp_path: Path) -> None:
    target = tmp_path / "ptp.parquet"
    lines: list[str] = []
    written = codekit.frames.export_parquet("ptp", target, progress=lines.append)
    assert written == target
    back = pq.read_table(target)
    assert back.equals(codekit.frames.export_table("ptp"))
    assert [n for n, _ in codekit.frames.EXPORT_SCHEMAS["ncci_ptp"]] == back.column_names
    assert back.schema.field("effective").type == pa.date32()
    assert any("rows" in line for line in lines)
    assert [p.name for p in tmp_path.iterdir()] == ["ptp.parquet"]


def test_failed_write_leaves_no_file(
    tables: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "aoc.parquet"
    target.write_bytes(b"the previous export")

    def broken(self: Any, table: Any, row_group_size: int | None = None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", broken)
    with pytest.raises(CodekitError, match="No space left"):
        codekit.frames.export_parquet("aoc", target)
    assert [p.name for p in tmp_path.iterdir()] == ["aoc.parquet"]
    assert target.read_bytes() == b"the previous export"


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"kind": "nothing"}, UnknownReleaseError, "ptp, mue, aoc"),
        ({"kind": "icd10cm", "release": "FY1990"}, UnknownReleaseError, "FY2026"),
        ({"kind": "ptp", "setting": "dme"}, UnknownReleaseError, "codekit data install"),
        ({"kind": "icd10cm", "as_of": "yesterday"}, CodekitError, "YYYY-MM-DD"),
        ({"kind": 7}, InvalidValueError, "name"),
        ({"kind": "ptp", "release": 2026}, InvalidValueError, "release"),
        ({"kind": "ptp", "program": ["medicare"]}, InvalidValueError, "program"),
    ],
)
def test_bad_requests_are_codekit_errors(
    tables: Path, kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    kind = kwargs.pop("kind")
    with pytest.raises(error, match=words):
        codekit.frames.export_table(kind, **kwargs)


def test_cli_export(tables: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mue.parquet"
    assert main(["data", "export", "mue", "--format", "parquet", "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(target)
    assert "wrote 44 of 44 rows" in err
    assert pq.read_table(target).num_rows == 44
    assert main(["data", "export", "nothing", "-o", str(tmp_path / "x.parquet")]) == 1
    assert "ptp, mue, aoc" in capsys.readouterr().err
    assert main(["data", "export", "ptp", "-o", str(tmp_path / "none" / "x.parquet")]) == 2
    assert not (tmp_path / "x.parquet").exists()


def test_codes_decode_in_bulk_as_one_by_one_and_back_to_the_cms_text(cms_corpus: Path) -> None:
    from codekit._edits import codes

    # every code of the CMS PTP file, as CMS writes it, and the ends of the code space
    texts = [*sorted({c for row in _ptp_file(cms_corpus) for c in row[:2]}), "00000", "ZZZZZ"]
    numbers = codes.encode_many(texts)
    assert codes.decode_many(numbers) == texts
    assert codes.decode_many(numbers.astype("int64").tolist()) == texts
    assert [codes.decode(int(n)) for n in numbers] == texts
    assert codes.decode_many([]) == []
    for bad in ([-1], [36**5], [1.5]):
        with pytest.raises(ValueError, match="5-character"):
            codes.decode_many(bad)
