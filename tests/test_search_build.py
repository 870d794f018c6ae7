"""How a search index file is written (``codekit._search._build``): the static rank of each
name follows the documented counts, on the packaged ICD-10-CM and ICD-10-PCS texts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import codekit
from codekit import _registry
from codekit._search import _build, _index, _names
from codekit._search._names import OTHER_TEXT, counted_words, head_size, size
from codekit.plugins import CodeRecord


def _packaged(code_set: str) -> list[CodeRecord]:
    try:
        release = _registry.current().select(code_set)
    except LookupError:
        pytest.skip(f"no packaged {code_set} data")
    return list(release.source().records())


@pytest.mark.slow
@pytest.mark.parametrize("code_set", ["icd10cm", "icd10pcs"])
def test_each_name_is_measured_as_size_and_head_size_count_it(code_set: str) -> None:
    # The build measures a text once, in one pass (see _names.Sizes); the counts it keeps
    # must be those the documented rules give, for every description and name of the data.
    sizes = _names.Sizes()
    texts = {
        text
        for record in _packaged(code_set)
        for text in (record.description, *record.notes.get("inclusion_term", ()),
                     *record.notes.get("index_term", ()))
    }  # fmt: skip
    assert len(texts) > 10000
    for text in texts:
        assert sizes[text] == (size(text), size(text, full=True), head_size(text)), text


def test_counted_words_leave_out_what_the_rules_name() -> None:
    # ICD-10-CM's nonessential modifiers in parentheses, the encounter wording of its 7th
    # characters, "unspecified"/"NOS" and stop words do not count (size's docstring).
    text = "Essential (primary) hypertension"
    assert counted_words(text) == ["essential", "hypertension"]
    assert _names.Sizes()[text] == (2, 3, 2)
    injury = "Fracture of unspecified wrist, initial encounter for closed fracture"
    assert counted_words(injury) == ["fracture", "wrist"]
    assert _names.Sizes()[injury] == (2, 2, 2)  # head "Fracture of unspecified wrist"
    assert _names.Sizes()["Pneumonia, unspecified organism"] == (2, 2, 1)


def _rows(records: list[CodeRecord]) -> list[tuple[object, ...]]:
    con = sqlite3.connect(":memory:")
    _build.fill(con, [records], {})
    return con.execute(
        "SELECT n.id, d.code, n.size, n.full, n.term FROM names n JOIN docs d ON d.id = n.doc"
        " ORDER BY n.id"
    ).fetchall()


def test_names_rank_by_size_head_own_encounter_unspecified_billable_length() -> None:
    records = [
        CodeRecord(code="X1", kind="category", billable=False, description="Wrist fracture"),
        CodeRecord(code="X1.0", description="Wrist fracture, unspecified", parent="X1"),
        CodeRecord(code="X1.1", description="Wrist fracture, subsequent encounter", parent="X1"),
        CodeRecord(
            code="X2",
            description="Essential (primary) hypertension",
            short_description="Hypertension",
            notes={"inclusion_term": ("High blood pressure",)},
        ),
        CodeRecord(code="X3", description="Fracture of left wrist bone, open"),
    ]
    rows = _rows(records)
    # The 2-word names first: initial encounters before subsequent ones, "unspecified"
    # items first, billable codes before headings. The heading X1 lends its name to its
    # default code X1.0 (shown as the term matched), which ranks before X1 itself. Then
    # 3 words, 5 words, and other text (a short description) last.
    assert [(code, term) for _, code, _, _, term in rows] == [
        ("X1.0", None),
        ("X1.0", "Wrist fracture"),
        ("X2", None),
        ("X1", None),
        ("X1.1", None),
        ("X2", "High blood pressure"),
        ("X3", None),
        ("X2", "Hypertension"),
    ]
    assert rows[-1][2] == OTHER_TEXT + 2  # other text: after every name, by its item's size
    assert [r[3] for r in rows if r[1] == "X2"] == [3, 3, 2]  # full: words in parentheses too


# -- one index per set of releases, owned by the registry ------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


@pytest.fixture
def search_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CODEKIT_CACHE_DIR", str(tmp_path / "cache"))
    _index.clear()
    yield tmp_path / "cache" / "search"
    _index.clear()


def _hcpcs_files(folder: Path) -> list[str]:
    """The releases of the index files in ``folder`` (named ``hcpcs-2030-JAN-pack-...``)."""
    return sorted("-".join(p.name.split("-")[1:3]) for p in folder.glob("*.sqlite"))


@pytest.mark.usefixtures("data_dir")
def test_a_pack_installed_replaced_or_removed_is_seen_at_once_and_its_stale_index_pruned(
    search_cache: Path, tmp_path: Path
) -> None:
    from codekit._importers.api import install, remove

    install([FIXTURES / "HCPC2030_JAN_ANWEB.txt"])
    first = codekit.search("synthetic accessory", code_sets="hcpcs")
    assert (first[0].code, first[0].release) == ("K9999", "2030-JAN")
    # A new release: the very next search answers from it (no refresh, no answer kept
    # from the registry before), in an index of its own; JAN's stays for dated searches.
    install([FIXTURES / "HCPC2030_APR_ANWEB.txt"])
    april = codekit.search("synthetic april code", code_sets="hcpcs")
    assert (april[0].code, april[0].release) == ("Q9999", "2030-APR")
    assert "revised" in codekit.search("synthetic dressing", code_sets="hcpcs")[0].description
    assert _hcpcs_files(search_cache) == ["2030-APR", "2030-JAN"]
    # The same release re-installed with other content: its old index is stale and goes.
    changed = tmp_path / "changed" / "HCPC2030_APR_ANWEB.txt"
    changed.parent.mkdir()
    text = (FIXTURES / "HCPC2030_APR_ANWEB.txt").read_bytes()
    changed.write_bytes(text.replace(b"code added in April", b"code added in May  "))
    before = {p.name for p in search_cache.glob("*APR*.sqlite")}
    install([changed], force=True)
    may = codekit.search("synthetic quarterly code", code_sets="hcpcs")[0]
    assert (may.code, may.description) == ("Q9999", "Synthetic quarterly code added in May")
    after = {p.name for p in search_cache.glob("*APR*.sqlite")}
    assert len(after) == 1
    assert not after & before
    # A pack removed: the next search answers from what is left, and the removed pack's
    # index goes although no index is built (JAN's is on disk).
    remove("hcpcs", "2030-APR")
    back = codekit.search("synthetic dressing", code_sets="hcpcs")
    assert back[0].release == "2030-JAN"
    assert "revised" not in back[0].description
    assert _hcpcs_files(search_cache) == ["2030-JAN"]
