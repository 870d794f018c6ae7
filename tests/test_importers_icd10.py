"""ICD-10-CM order file + addenda and ICD-10-PCS codes/order importers."""

from __future__ import annotations

from pathlib import Path

import pytest

import codekit
import codekit.data
from codekit._importers import icd10cm, icd10pcs

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


def _raw_lines(path: Path) -> list[str]:
    lines = path.read_bytes().decode("ascii").split("\r\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@pytest.mark.corpus
def test_icd10cm_order_excerpt_every_line(cms_corpus: Path, data_dir: Path) -> None:
    path = cms_corpus / "icd10cm" / "icd10cm_order_2026.excerpt.txt"
    lines = _raw_lines(path)
    _entries, stats = icd10cm.parse_order(path)
    flags = [line[14] for line in lines]
    assert stats == {
        "lines": len(lines),
        "headers": flags.count("0"),
        "billable": flags.count("1"),
        "blank": 0,
    }
    before = {}
    for line in lines:
        packaged = codekit.get(_dotted(line[6:13].strip()), code_set="icd10cm", release="FY2026")
        if packaged is not None:
            before[packaged.code] = packaged
    # an excerpt of FY2026: installed over the packaged release only when forced
    (pack,) = codekit.data.install(path, force=True)
    assert (pack.kind, pack.release, str(pack.effective), str(pack.until)) == (
        "icd10cm",
        "FY2026",
        "2025-10-01",
        "2026-09-30",
    )
    fy2026 = [r for r in codekit.data_releases("icd10cm") if r.release == "FY2026"]
    assert fy2026[-1].origin == "pack"
    for line in lines:
        # The layout of CMS's order-file guide: code 7-13, flag 15, short 17-76, long 78-.
        code = codekit.lookup(_dotted(line[6:13].strip()), code_set="icd10cm", release="FY2026")
        assert code.description == line[77:].rstrip()
        assert code.short_description == line[16:76].rstrip()
        assert code.billable == (line[14] == "1")
        # Chapters, blocks and notes come from the packaged release when the text agrees.
        old = before.get(code.code)
        if old is not None and old.description == code.description:
            assert code.notes == old.notes, code.code
            assert [a.code for a in code.ancestors()] == [a.code for a in old.ancestors()]
    m54 = codekit.lookup("M54.50", code_set="icd10cm", release="FY2026")
    assert m54.parent == "M54.5"
    assert [a.kind for a in m54.ancestors()] == ["code", "category", "block", "chapter"]
    assert pack.manifest["hierarchy_from"] == "FY2026 (packaged)"


@pytest.mark.corpus
def test_icd10cm_addenda_excerpt_every_line(cms_corpus: Path, data_dir: Path) -> None:
    path = cms_corpus / "icd10cm" / "icd10cm-codes-addenda-2025.excerpt.txt"
    lines = _raw_lines(path)
    tags = [line[:13].strip() for line in lines]
    changes, stats = icd10cm.parse_addenda(path)
    assert stats == {
        "lines": len(lines),
        "add": tags.count("Add:"),
        "delete": tags.count("Delete:"),
        "revise": tags.count("Revise from:") + tags.count("Revise to:"),
        "blank": 0,
    }
    assert tags.count("Revise from:") == tags.count("Revise to:")
    first = changes[0]
    assert (first.action, first.code) == ("revise", lines[0][13:21].strip())
    assert first.previous == lines[0][21:]
    assert first.description == lines[1][21:]
    packs = codekit.data.install(path)
    # FY2025 is packaged, so the addenda are kept as changes and no release is derived.
    assert [(p.kind, p.release) for p in packs] == [("icd10cm_addenda", "FY2025")]
    assert packs[0].manifest["rows"] == len(changes)
    assert all(r.origin == "packaged" for r in codekit.data_releases("icd10cm"))


@pytest.mark.corpus
def test_icd10pcs_codes_excerpt_every_line(cms_corpus: Path, data_dir: Path) -> None:
    path = cms_corpus / "icd10pcs" / "icd10pcs_codes_2025.excerpt.txt"
    lines = _raw_lines(path)
    _rows, stats = icd10pcs.parse_codes(path)
    assert stats == {"lines": len(lines), "codes": len(lines), "blank": 0}
    # an excerpt replacing the packaged FY2025 is refused unless forced (test_packs_validation)
    (pack,) = codekit.data.install(path, force=True)
    assert (pack.kind, pack.release, pack.manifest["rows"]) == ("icd10pcs", "FY2025", len(lines))
    for line in lines:
        code, text = line[:7], line[8:]
        assert codekit.describe(code, code_set="icd10pcs", as_of="2025-03-01") == text
    assert codekit.lookup("0016070", code_set="icd10pcs", as_of="2025-03-01").release == "FY2025"


def test_synthetic_order_file_hierarchy_and_dates(data_dir: Path) -> None:
    codekit.data.install(FIXTURES / "icd10cm_order_2031.txt")
    code = codekit.lookup("Z99.119A", code_set="icd10cm", as_of="2031-01-01")
    assert code.release == "FY2031"
    assert code.billable
    assert code.parent == "Z99.1"
    category = codekit.lookup("Z99", code_set="icd10cm", as_of="2031-01-01")
    assert (category.kind, category.billable) == ("category", False)
    assert [c.code for c in category.children()] == ["Z99.0", "Z99.1"]
    assert codekit.is_valid("Z99.10", code_set="icd10cm", as_of="2031-09-30")
    assert not codekit.is_valid("Z99.1", code_set="icd10cm", as_of="2031-09-30")


def test_synthetic_pcs_codes_file(data_dir: Path) -> None:
    (pack,) = codekit.data.install(FIXTURES / "icd10pcs_codes_2031.txt")
    assert (pack.release, str(pack.effective)) == ("FY2031", "2030-10-01")
    assert codekit.describe("X2C0361", code_set="icd10pcs", as_of="2031-05-05") == (
        "Synthetic new technology title"
    )


@pytest.mark.slow
def test_addenda_derive_the_next_release_from_the_one_before(data_dir: Path) -> None:
    # The packaged newest release is FY2027 (2026-10-01 to 2027-03-31, the validity data's
    # horizon); a synthetic FY2028 addenda file is applied to it.
    assert codekit.data_releases("icd10cm")[-1].release == "FY2027"
    packs = codekit.data.install(FIXTURES / "icd10cm_codes_addenda_2028.txt")
    assert [(p.kind, p.release) for p in packs] == [
        ("icd10cm_addenda", "FY2028"),
        ("icd10cm", "FY2028"),
    ]
    assert packs[1].manifest["source"].endswith("applied to FY2027 (packaged)")
    # Delete: A000 — valid in FY2027, not from October 1, 2027.
    assert codekit.is_valid("A00.0", code_set="icd10cm", as_of="2027-03-31")
    assert not codekit.is_valid("A00.0", code_set="icd10cm", as_of="2027-10-01")
    # Add: A002.
    assert codekit.get("A00.2", code_set="icd10cm", as_of="2027-03-31") is None
    assert codekit.is_valid("A00.2", code_set="icd10cm", as_of="2027-10-01")
    # Revise from/to: A001.
    assert codekit.describe("A00.1", code_set="icd10cm", as_of="2027-10-01") == (
        "Synthetic revised cholera title"
    )
    # Everything else carries over.
    assert codekit.describe("E11.9", code_set="icd10cm", as_of="2028-01-01") == codekit.describe(
        "E11.9", code_set="icd10cm", as_of="2027-01-01"
    )
    a009 = codekit.lookup("A00.9", code_set="icd10cm", as_of="2028-01-01")
    before = codekit.lookup("A00.9", code_set="icd10cm", as_of="2027-01-01")
    assert a009.release == "FY2028"
    assert a009.parent == "A00"
    assert a009.notes == before.notes
    assert [a.code for a in a009.ancestors()] == [a.code for a in before.ancestors()]


def test_april_updates_are_their_own_releases(data_dir: Path, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "april-1-2031-icd-10-pcs-codes-file.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(FIXTURES / "icd10pcs_codes_2031.txt", "icd10pcs_codes_2031.txt")
    packs = codekit.data.install([FIXTURES / "icd10pcs_codes_2031.txt", archive])
    assert sorted((p.release, str(p.effective), str(p.until)) for p in packs) == [
        ("FY2031", "2030-10-01", "2031-09-30"),
        ("FY2031-APR", "2031-04-01", "2031-09-30"),
    ]
    assert codekit.lookup("X2C0361", code_set="icd10pcs", as_of="2031-03-31").release == "FY2031"
    assert codekit.lookup("X2C0361", code_set="icd10pcs", as_of="2031-04-01").release == (
        "FY2031-APR"
    )
