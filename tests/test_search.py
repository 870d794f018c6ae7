"""Search and suggest over plugin code sets, an installed pack and (slow) packaged ICD-10-CM.

The truth the tests check against is the synthetic code sets written below (their
descriptions and inclusion terms), the synthetic HCPCS pack in ``tests/fixtures/packs`` and,
for packaged data, ``codekit.lookup`` of the same codes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import codekit
from codekit import _registry
from codekit._cli.main import main
from codekit._search import _engine, _index
from codekit.exceptions import InvalidQueryError, UnknownCodeSetError, UnknownReleaseError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent / "fixtures" / "packs"

_DX = [
    CodeRecord(code="T10", kind="category", billable=False, description="Type 2 diabetes mellitus"),
    CodeRecord(code="T10.0", description="Type 2 diabetes mellitus without complications"),
    CodeRecord(code="T10.4", description="Type 2 diabetes mellitus with diabetic neuropathy"),
    CodeRecord(
        code="T20",
        description="Essential (primary) hypertension",
        notes={"inclusion_term": ("High blood pressure",)},
    ),
    CodeRecord(
        code="T30",
        kind="category",
        billable=False,
        description="Chronic obstructive pulmonary disease",
    ),
    CodeRecord(
        code="T30.1", description="Chronic obstructive pulmonary disease with acute exacerbation"
    ),
    CodeRecord(code="T40", description="Acute myocardial infarction"),
    CodeRecord(code="T50", description="Fracture of wrist"),
    CodeRecord(code="T60", description="Pneumonia, unspecified organism"),
    CodeRecord(code="T70", description="Fever, unspecified"),
    CodeRecord(code="T71", description="Chest pain, unspecified"),
]
_NEW_IN_2025 = CodeRecord(code="T80", description="Influenza with pneumonia")
_ONLY_IN_2024 = CodeRecord(code="T81", description="Retired granuloma of the spleen")
_PX = [
    CodeRecord(code="P0001", description="Resection of appendix, open approach"),
    CodeRecord(code="P0002", description="Resection of gallbladder, open approach"),
]


class SearchCodes:
    """A plugin with two code sets: diagnoses (two releases) and procedures."""

    __name__ = "search_test_codes"

    def __init__(self, extra: tuple[CodeRecord, ...] = ()) -> None:
        self.extra = extra

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(
            CodeSetSpec(name="testdx", title="Test diagnoses", pattern=r"T[0-9]{2}[0-9A-Z]{0,3}",
                        dot_after=3)
        )  # fmt: skip
        registrar.add_code_set(
            CodeSetSpec(name="testpx", title="Test procedures", pattern=r"P[0-9]{4}")
        )
        registrar.add_release(
            DataRelease(
                code_set="testdx",
                release="2024",
                effective=dt.date(2023, 10, 1),
                until=dt.date(2024, 9, 30),
                origin="plugin",
            ),
            records=[*_DX, _ONLY_IN_2024],
        )
        registrar.add_release(
            DataRelease(
                code_set="testdx", release="2025", effective=dt.date(2024, 10, 1), origin="plugin"
            ),
            records=[*_DX, _NEW_IN_2025, *self.extra],
        )
        registrar.add_release(
            DataRelease(
                code_set="testpx", release="2025", effective=dt.date(2024, 10, 1), origin="plugin"
            ),
            records=_PX,
        )


BOTH = ("testdx", "testpx")


@pytest.fixture(autouse=True)
def search_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private index cache for each test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CODEKIT_CACHE_DIR", str(folder))
    _index.clear()
    yield folder / "search"
    _index.clear()


@pytest.fixture
def codes() -> Iterator[None]:
    with isolated_registry(SearchCodes(), builtins=False):
        yield


def _codes(text: str, **kwargs: object) -> list[str]:
    return codekit.search(text, code_sets=BOTH, **kwargs).codes()  # type: ignore[arg-type]


# -- code first ------------------------------------------------------------------------------


@pytest.mark.usefixtures("codes")
def test_a_code_prefix_lists_its_codes_first_in_code_order() -> None:
    assert _codes("T10.") == ["T10", "T10.0", "T10.4"]
    assert _codes("t10")[:3] == ["T10", "T10.0", "T10.4"]


@pytest.mark.usefixtures("codes")
def test_a_code_in_any_spelling_is_the_first_hit_with_the_top_score() -> None:
    results = codekit.search("t104", code_sets=BOTH)
    assert results[0].code == "T10.4"
    assert results[0].score == 100.0
    assert results[0].description == "Type 2 diabetes mellitus with diabetic neuropathy"
    assert codekit.search("P0002")[0].code == "P0002"


# -- words, prefixes, typos, abbreviations ---------------------------------------------------


@pytest.mark.usefixtures("codes")
def test_every_word_may_be_a_prefix() -> None:
    assert _codes("diab neuropath")[0] == "T10.4"
    assert _codes("chron obstr pulm exac")[0] == "T30.1"
    assert set(_codes("resect")) == {"P0001", "P0002"}


@pytest.mark.usefixtures("codes")
def test_word_forms_match_through_their_stem() -> None:
    assert _codes("fractures wrist") == ["T50"]
    assert _codes("diabetic neuropathies")[0] == "T10.4"


@pytest.mark.usefixtures("codes")
def test_one_typo_in_a_longer_word_is_corrected_and_reported() -> None:
    results = codekit.search("pnuemonia", code_sets=BOTH)
    assert results.codes()[0] == "T60"
    assert results.corrections == {"pnuemonia": ("pneumonia",)}
    assert _codes("hypertenson")[0] == "T20"
    assert _codes("infarcton myocardial") == ["T40"]


@pytest.mark.usefixtures("codes")
def test_words_that_match_nothing_are_left_out() -> None:
    results = codekit.search("wrist zzyzx", code_sets=BOTH)
    assert results.codes() == ["T50"]
    assert results.ignored == ("zzyzx",)


@pytest.mark.usefixtures("codes")
def test_abbreviations_and_lay_terms_from_the_synonym_table() -> None:
    assert _codes("htn")[0] == "T20"
    assert _codes("copd exacerbation")[0] == "T30.1"
    assert _codes("heart attack") == ["T40"]
    assert _codes("broken wrist") == ["T50"]
    assert set(_codes("dm2")[:2]) <= {"T10", "T10.0", "T10.4"}
    hit = codekit.search("htn", code_sets=BOTH)[0]
    assert hit.matched == ("htn",)


@pytest.mark.usefixtures("codes")
def test_an_inclusion_term_finds_its_code() -> None:
    assert _codes("high blood pressure")[0] == "T20"


# -- filters and paging ----------------------------------------------------------------------


@pytest.mark.usefixtures("codes")
def test_billable_only_leaves_out_headings() -> None:
    assert "T10" in _codes("type 2 diabetes")
    assert _codes("type 2 diabetes", billable_only=True) == ["T10.0", "T10.4"]
    coded = codekit.search("T1", code_sets=BOTH, billable_only=True)
    assert coded.codes() == ["T10.0", "T10.4"]


@pytest.mark.usefixtures("codes")
def test_as_of_searches_the_release_in_force_then() -> None:
    def dx(text: str, **kwargs: object) -> list[str]:
        return codekit.search(text, code_sets="testdx", **kwargs).codes()  # type: ignore[arg-type]

    assert dx("influenza") == ["T80"]
    assert dx("influenza", as_of="2024-05-01") == []
    assert dx("granuloma", as_of=dt.date(2024, 5, 1)) == ["T81"]
    assert dx("granuloma") == []
    hit = codekit.search("granuloma", code_sets="testdx", as_of="2024-05-01")[0]
    assert hit.release == "2024"
    # Without code_sets, code sets with no release in force that day are left out ...
    assert codekit.search("granuloma", as_of="2024-05-01").codes() == ["T81"]
    # ... but a code set asked for by name must have one.
    with pytest.raises(UnknownReleaseError):
        codekit.search("appendix", code_sets="testpx", as_of="2024-05-01")


@pytest.mark.usefixtures("codes")
def test_code_sets_limits_the_search() -> None:
    assert codekit.search("appendix", code_sets="testdx").codes() == []
    assert codekit.search("appendix", code_sets="testpx").codes() == ["P0001"]
    assert codekit.search("appendix").codes() == ["P0001"]
    with pytest.raises(UnknownCodeSetError):
        codekit.search("appendix", code_sets=["nosuchset"])


@pytest.mark.usefixtures("codes")
def test_paging_with_offset() -> None:
    first = codekit.search("type 2 diabetes", code_sets=BOTH, limit=2)
    assert len(first) == 2
    assert first.has_more
    second = codekit.search("type 2 diabetes", code_sets=BOTH, limit=2, offset=first.next_offset)
    assert len(second) == 1
    assert not second.has_more
    assert set(first.codes()) | set(second.codes()) == {"T10", "T10.0", "T10.4"}


@pytest.mark.usefixtures("codes")
def test_results_are_values_with_html_and_json() -> None:
    results = codekit.search("fever", code_sets=BOTH)
    assert [hit.code for hit in results] == ["T70"]
    hit = results[0]
    assert hit.code_set == "testdx"
    assert hit.kind == "code"
    assert str(hit) == "T70 Fever, unspecified"
    assert hit.lookup().description == "Fever, unspecified"
    html = results._repr_html_()
    assert "<code>T70</code>" in html
    assert results.to_dict()["hits"][0]["code"] == "T70"
    assert "&lt;b&gt;" in codekit.search("<b>", code_sets=BOTH)._repr_html_()


@pytest.mark.usefixtures("codes")
@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": "3"}, {"offset": -1}])
def test_bad_arguments_are_invalid_query_errors(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidQueryError):
        codekit.search("fever", **bad)  # type: ignore[arg-type]


def test_text_must_be_a_string() -> None:
    with pytest.raises(InvalidQueryError, match="string"):
        codekit.search(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError, match="string"):
        codekit.suggest(42)  # type: ignore[arg-type]


# -- the index: built once, shared, rebuilt when the data change ------------------------------


def test_index_is_built_once_and_rebuilt_when_a_plugin_code_set_changes(
    search_cache: Path,
) -> None:
    with isolated_registry(SearchCodes(), builtins=False):
        assert codekit.search("wrist", code_sets="testdx").codes() == ["T50"]
    first = sorted(p.name for p in search_cache.glob("testdx-2025-*.sqlite"))
    assert len(first) == 1
    _index.clear()
    extra = (CodeRecord(code="T90", description="Sprain of wrist"),)
    with isolated_registry(SearchCodes(extra), builtins=False):
        assert set(codekit.search("wrist", code_sets="testdx").codes()) == {"T50", "T90"}
    second = sorted(p.name for p in search_cache.glob("testdx-2025-*.sqlite"))
    assert len(second) == 1
    assert second != first


class MoreCodes:
    """A second plugin: one more code set."""

    __name__ = "search_test_more_codes"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="testrx", title="Test drugs", pattern=r"R[0-9]{3}"))
        registrar.add_release(
            DataRelease(
                code_set="testrx", release="2025", effective=dt.date(2024, 10, 1), origin="plugin"
            ),
            records=[CodeRecord(code="R001", description="Synthetic tablet of wrist balm")],
        )


def test_adding_a_plugin_prunes_the_index_files_it_replaces(search_cache: Path) -> None:
    # Bug: three index files grew to 229 MB after adding a plugin (the old ones stayed).
    with isolated_registry(SearchCodes(), builtins=False):
        codekit.search("wrist")
        codekit.search("wrist", code_sets="testdx")  # served by the full index: no file
    assert len(list(search_cache.glob("*.sqlite"))) == 1
    _index.clear()
    with isolated_registry(SearchCodes(), MoreCodes(), builtins=False):
        assert set(codekit.search("wrist").codes()) == {"T50", "R001"}
        (only,) = search_cache.glob("*.sqlite")
        assert "testrx" in only.name
        # An index of some code sets, built before the full one, goes once that is built.
        _index.clear()
        _engine.forget()
        only.unlink()
        codekit.search("wrist", code_sets="testdx")
        assert len(list(search_cache.glob("*.sqlite"))) == 1
        codekit.search("wrist")
        (full,) = search_cache.glob("*.sqlite")
        assert "testrx" in full.name
    _index.clear()
    # Removing the plugin again: the file with its code set is no longer served.
    with isolated_registry(SearchCodes(), builtins=False):
        codekit.search("wrist")
    (back,) = search_cache.glob("*.sqlite")
    assert "testrx" not in back.name


def test_a_hit_shows_the_name_it_matched_and_where(search_cache: Path) -> None:
    with isolated_registry(SearchCodes(), builtins=False):
        hit = codekit.search("high blood", code_sets="testdx")[0]
        assert hit.code == "T20"
        assert hit.term == "High blood pressure"  # an inclusion term of T20
        assert hit.term_span == (0, 10)
        assert hit.why() == "[High blood] pressure"
        own = codekit.search("wrist", code_sets="testdx")[0]
        assert (own.term, own.term[slice(*own.term_span)]) == ("Fracture of wrist", "wrist")
        code = codekit.search("T10.", code_sets="testdx")[0]
        assert (code.term, code.term_span) == ("T10", (0, 3))


def test_a_search_works_out_what_its_hits_show_only_when_asked(
    search_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bug (the autocomplete regression against round3-base): every search worked out the
    # words its hits may show, although a keystroke's hits are rarely asked why.
    from codekit._search import _explain

    calls: list[object] = []
    real = _explain.word_forms

    def counted(*args: object) -> object:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_explain, "word_forms", counted)
    monkeypatch.setattr(_engine, "word_forms", counted, raising=False)  # where it was called
    with isolated_registry(SearchCodes(), builtins=False):
        hits = codekit.search("high blood", code_sets="testdx")
        assert hits.codes()[0] == "T20"
        assert calls == []
        assert hits[0].why() == "[High blood] pressure"
        assert len(calls) == 1
        assert hits[0].why() == "[High blood] pressure"
        assert len(calls) == 1


def test_one_index_serves_every_code_set_and_filters_by_code_set(search_cache: Path) -> None:
    with isolated_registry(SearchCodes(), builtins=False):
        assert codekit.search("open approach").codes() == ["P0001", "P0002"]
        assert len(list(search_cache.glob("*.sqlite"))) == 1  # both code sets, one index
        assert codekit.search("fever", code_sets="testpx").codes() == []
        assert codekit.search("open approach", code_sets="testdx").codes() == []
        assert codekit.search("T10", code_sets="testpx").codes() == []
        assert codekit.search("P000", code_sets="testpx").codes() == ["P0001", "P0002"]
        assert len(list(search_cache.glob("*.sqlite"))) == 1  # the filters built nothing


def test_another_process_reuses_the_index(search_cache: Path) -> None:
    with isolated_registry(SearchCodes(), builtins=False):
        codekit.search("wrist", code_sets="testdx")
    (path,) = search_cache.glob("testdx-2025-*.sqlite")
    stamp = path.stat().st_mtime_ns
    script = (
        "import codekit, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_search import SearchCodes\n"
        "from codekit.testing import isolated_registry\n"
        "with isolated_registry(SearchCodes(), builtins=False):\n"
        "    print(codekit.search('wrist', code_sets='testdx').codes())\n"
    )
    env = {**os.environ, "CODEKIT_CACHE_DIR": str(search_cache.parent)}
    out = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == "['T50']"
    assert "building" not in out.stderr
    assert path.stat().st_mtime_ns == stamp


# -- an installed data pack ------------------------------------------------------------------


@pytest.mark.usefixtures("data_dir")
def test_results_from_an_installed_pack() -> None:
    from codekit._importers.api import install

    install([FIXTURES / "HCPC2030_JAN_ANWEB.txt"])
    results = codekit.search("synthetic dressing", code_sets="hcpcs")
    assert results.codes()[0] == "A9999"
    assert results[0].code_set == "hcpcs"
    assert results[0].description == codekit.describe("A9999", code_set="hcpcs")
    assert codekit.search("j9999", code_sets="hcpcs")[0].code == "J9999"


# -- suggest ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("codes")
def test_suggest_gives_codes_with_their_evidence() -> None:
    text = "Seen today with fever and a fracture of the wrist."
    found = codekit.suggest(text, code_sets=BOTH)
    assert set(found.codes()) == {"T70", "T50"}
    for item in found:
        assert text[item.span[0] : item.span[1]] == item.evidence
    by_code = {s.code: s for s in found}
    assert by_code["T70"].evidence == "fever"
    assert by_code["T50"].evidence == "fracture of the wrist"


@pytest.mark.usefixtures("codes")
@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Fever. Denies chest pain.", {"T70"}, {"T71"}),
        ("No fever, but has chest pain.", {"T71"}, {"T70"}),
        ("Chest pain; negative for pneumonia.", {"T71"}, {"T60"}),
        ("Pneumonia was ruled out. Fever present.", {"T70"}, {"T60"}),
        ("Patient without fever or chest pain.", set(), {"T70", "T71"}),
    ],
)
def test_suggest_leaves_out_negated_findings(
    text: str, present: set[str], absent: set[str]
) -> None:
    found = codekit.suggest(text, code_sets=BOTH)
    assert present <= set(found.codes())
    assert not absent & set(found.codes())
    assert found.negated


@pytest.mark.usefixtures("codes")
def test_suggest_prefers_the_specific_billable_code() -> None:
    found = codekit.suggest("Type 2 diabetes with diabetic neuropathy.", code_sets=BOTH)
    assert found.codes()[0] == "T10.4"
    assert "T10" not in found.codes()  # the heading of a suggested code is not repeated
    assert codekit.suggest("copd with acute exacerbation", code_sets=BOTH).codes()[0] == "T30.1"


@pytest.mark.usefixtures("codes")
def test_suggest_finds_procedures_too() -> None:
    found = codekit.suggest("Open resection of the appendix for fever.", code_sets=BOTH)
    assert {"P0001", "T70"} <= set(found.codes())


# -- the command line ------------------------------------------------------------------------


@pytest.mark.usefixtures("codes")
def test_cli_search_and_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "diab", "neuropath", "--code-set", "testdx", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "T10.4" in out
    assert "[diab" in out  # the matched column shows why
    assert "Type 2 diabetes mellitus with diabetic neuropathy" in out
    assert main(["suggest", "Fever. Denies chest pain.", "--code-set", "testdx"]) == 0
    captured = capsys.readouterr()
    assert "T70" in captured.out
    assert "T71" not in captured.out
    assert "Denies chest pain" in captured.err
    assert main(["search", "zzyzx", "--code-set", "testdx"]) == 1
    assert main(["search", "fever", "--code-set", "nosuchset"]) == 2  # bad input


# -- packaged ICD-10-CM (builds the real index: slow) -----------------------------------------


@pytest.mark.slow
def test_packaged_icd10cm_search_agrees_with_lookup() -> None:
    try:
        _registry.current().select("icd10cm")
    except LookupError:
        pytest.skip("no packaged ICD-10-CM data")
    cases = {
        "e119": "E11.9",
        "type 2 diabetes with diabetic polyneuropathy": "E11.42",
        "copd with acute exacerbation": "J44.1",
        "high blood pressure": "I10",
        "pnuemonia unspecified organism": "J18.9",
    }
    for query, code in cases.items():
        results = codekit.search(query, code_sets="icd10cm", limit=5)
        assert code in results.codes(), query
        for hit in results:
            assert hit.description == codekit.describe(hit.code, code_set="icd10cm")
