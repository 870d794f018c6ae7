"""The lookup API over packaged ICD-10-CM: releases, validity by date, errors, hierarchy."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import codekit
from codekit.exceptions import (
    AmbiguousCodeError,
    CodekitError,
    InvalidCodeError,
    InvalidDateError,
    StaleDataWarning,
    UnknownCodeError,
    UnknownCodeSetError,
    UnknownReleaseError,
)

# CMS's published counts of billable ICD-10-CM codes, October releases.
CMS_BILLABLE = {
    "FY2019": 71_932,
    "FY2020": 72_184,
    "FY2021": 72_616,
    "FY2022": 72_748,
    "FY2023": 73_639,
    "FY2024": 74_044,
    "FY2025": 74_260,
    "FY2026": 74_719,
    "FY2027": 74_879,
}


def test_release_counts_are_cms_counts() -> None:
    releases = {r.release: r.rows for r in codekit.data_releases("icd10cm")}
    assert {k: releases[k] for k in CMS_BILLABLE} == CMS_BILLABLE


def test_fiscal_year_periods() -> None:
    releases = codekit.data_releases("icd10cm")
    for release, following in itertools.pairwise(releases):
        year, _, month = release.release[2:].partition("-")
        start = (int(year) - 1, 10) if not month else (int(year), int(month))
        assert (release.effective.year, release.effective.month, release.effective.day) == (
            *start,
            1,
        )
        assert release.until == following.effective - dt.timedelta(days=1)


@pytest.mark.parametrize("spelling", ["E11.9", "e119", " E11.9 ", "e 1 1 . 9", "E119"])
def test_spellings_reach_the_same_code(spelling: str) -> None:
    code = codekit.lookup(spelling)
    assert code.code == "E11.9"
    assert code.code_set == "icd10cm"
    assert code.description == "Type 2 diabetes mellitus without complications"
    assert code.billable
    assert code.release == "FY2027"


def test_describe_and_get() -> None:
    assert codekit.describe("I10") == "Essential (primary) hypertension"
    assert codekit.get("E11.99") is None
    assert codekit.get("E11.9") == codekit.lookup("E11.9")


def test_m545_was_split_on_2021_10_01() -> None:
    # FY2022 replaced M54.5 by M54.50 / M54.51 / M54.59.
    assert codekit.is_valid("M54.5", as_of="2021-09-30")
    assert not codekit.is_valid("M54.5", as_of="2021-10-01")
    assert not codekit.is_valid("M54.50", as_of="2021-09-30")
    for new in ("M54.50", "M54.51", "M54.59"):
        assert codekit.is_valid(new, as_of=dt.date(2021, 10, 1))
    old = codekit.lookup("M54.5", as_of="2021-09-30")
    assert old.release == "FY2021-01"
    assert old.billable
    assert not codekit.lookup("M54.5", as_of="2021-10-01").billable


def test_e72530_valid_from_fy2026_only() -> None:
    assert not codekit.is_valid("E72.530", as_of="2025-09-30")
    assert codekit.is_valid("E72.530", as_of="2025-10-01")
    assert codekit.get("E72.530", as_of="2025-06-01") is None


def test_fy2026_genetic_disorder_codes() -> None:
    # FY2026 added categories whose second character is a letter (QA0).
    code = codekit.lookup("qa00102")
    assert code.code == "QA0.0102"
    assert code.billable
    assert codekit.get("QA0.0102", as_of="2025-06-01") is None


def test_header_codes_are_not_valid() -> None:
    assert not codekit.is_valid("E11")
    assert not codekit.is_valid("S72.001")  # needs a 7th character
    assert codekit.is_valid("S72.001A")


def test_seventh_character_expansion() -> None:
    fracture = codekit.lookup("S72.001A")
    assert fracture.description == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )
    assert fracture.parent == "S72.001"
    placeholder = codekit.lookup("t07xxxa")
    assert placeholder.code == "T07.XXXA"
    assert placeholder.billable
    seven = codekit.lookup("S72").notes["seven_chr_def"]
    assert "A: initial encounter for closed fracture" in seven


def test_notes_kinds() -> None:
    e11 = codekit.lookup("E11")
    assert "type 1 diabetes mellitus (E10.-)" in e11.notes["excludes1"]
    assert "insulin (Z79.4)" in e11.notes["use_additional_code"]
    assert "diabetes NOS" in e11.notes["includes"]


def test_hierarchy() -> None:
    code = codekit.lookup("E11.9")
    assert [a.code for a in code.ancestors()] == ["E11", "E08-E13", "4"]
    assert [a.kind for a in code.ancestors()] == ["category", "block", "chapter"]
    children = codekit.lookup("E11").children()
    assert children[0].code == "E11.0"
    assert "E11.9" in [c.code for c in children]
    assert all(child.parent == "E11" for child in children)


def test_release_argument() -> None:
    assert codekit.lookup("A77.41", release="FY2024").description == (
        "Ehrlichiosis chafeensis [E. chafeensis]"
    )
    assert codekit.lookup("A77.41").description == "Ehrlichiosis chaffeensis [E. chaffeensis]"
    with pytest.raises(UnknownReleaseError, match="available: FY2016"):
        codekit.lookup("E11.9", release="FY2010")
    with pytest.raises(UnknownReleaseError, match="not in force"):
        codekit.lookup("E11.9", release="FY2024", as_of="2026-01-01")


def test_date_before_any_release() -> None:
    with pytest.raises(UnknownReleaseError, match="2015-09-30"):
        codekit.lookup("E11.9", as_of="2015-09-30")


def test_unknown_code_suggests_close_codes() -> None:
    with pytest.raises(UnknownCodeError, match=r"did you mean E11\.9") as caught:
        codekit.lookup("E11.99")
    assert caught.value.suggestions[0] == "E11.9"
    assert isinstance(caught.value, LookupError)


def test_ambiguous_shape(data_dir: object) -> None:
    # No HCPCS data installed: whether A0100 is a HCPCS code cannot be told.
    with pytest.raises(AmbiguousCodeError) as caught:
        codekit.lookup("A0100")
    assert caught.value.candidates == {"hcpcs": "A0100", "icd10cm": "A01.00"}
    assert codekit.lookup("A01.00").description == "Typhoid fever, unspecified"
    assert codekit.lookup("A0100", code_set="icd10cm").code == "A01.00"


@pytest.mark.parametrize("bad", ["", "   ", "E11..9", ".E119", "E11-9", "💊", "X" * 40])
def test_malformed_input(bad: str) -> None:
    with pytest.raises(InvalidCodeError):
        codekit.lookup(bad)


def test_non_string_input() -> None:
    with pytest.raises(InvalidCodeError, match="must be a string"):
        codekit.lookup(119)  # type: ignore[arg-type]


def test_code_set_errors() -> None:
    with pytest.raises(UnknownCodeSetError, match="known code sets"):
        codekit.lookup("E11.9", code_set="icd11")
    with pytest.raises(InvalidCodeError, match="ICD-10-CM"):
        codekit.lookup("99213", code_set="icd10cm")


def test_bad_date() -> None:
    with pytest.raises(InvalidDateError):
        codekit.lookup("E11.9", as_of="2021-02-30")
    with pytest.raises(CodekitError):
        codekit.is_valid("E11.9", as_of="yesterday")


def test_is_valid_is_false_for_garbage_and_unknown() -> None:
    assert not codekit.is_valid("E11.99")
    assert not codekit.is_valid("not a code")


def test_get_many_matches_single_lookups() -> None:
    codes = ["E11.9", "e119", "I10", "E11.99", "S72.001A", "junk!", "M54.5"]
    many = codekit.get_many(codes, code_set="icd10cm", as_of="2021-06-01")
    single = [
        codekit.get(c, code_set="icd10cm", as_of="2021-06-01") if c != "junk!" else None
        for c in codes
    ]
    assert [c.code if c else None for c in many] == [c.code if c else None for c in single]
    assert [c.description if c else None for c in many] == [
        c.description if c else None for c in single
    ]
    described = codekit.describe_many(codes, code_set="icd10cm", as_of="2021-06-01")
    assert described == [c.description if c else None for c in single]
    # Titles are per release: A77.41 was spelled differently before FY2025.
    assert codekit.describe_many(["A77.41"], code_set="icd10cm", release="FY2024") == [
        "Ehrlichiosis chafeensis [E. chafeensis]"
    ]


def test_code_sets_lists_builtins() -> None:
    names = {cs.name for cs in codekit.code_sets()}
    assert {"icd10cm", "icd10pcs", "hcpcs", "modifier", "cpt", "pos", "icd9cm"} <= names


def test_code_value_is_frozen_and_hashable() -> None:
    code = codekit.lookup("E11.9")
    with pytest.raises(AttributeError):
        code.description = "changed"  # type: ignore[misc]
    assert len({code, codekit.lookup("e119")}) == 1
    assert code.to_dict()["code"] == "E11.9"
    html = code._repr_html_()
    assert "E11.9" in html
    assert "Type 2 diabetes" in html


def test_normalize() -> None:
    assert codekit.normalize(" e119 ") == "E11.9"
    assert codekit.normalize("250.00", code_set="icd9cm") == "250.00"
    assert codekit.normalize("25000", code_set="icd9cm") == "250.00"
    assert codekit.normalize("E8889", code_set="icd9cm") == "E888.9"


def test_threads_share_one_registry_and_agree() -> None:
    import random
    from concurrent.futures import ThreadPoolExecutor

    from codekit import _registry

    _registry.reset()
    codekit.preload(["icd10cm"])
    codes = ["E11.9", "I10", "M54.50", "S72.001A", "T07.XXXA", "A01.00", "Z00.00", "J45.909"]
    expected = {c: codekit.describe(c) for c in codes}
    _registry.reset()  # threads now race to build the registry and open the data
    rng = random.Random(3)
    work = [rng.choice(codes) for _ in range(4000)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda c: (c, codekit.describe(c, code_set="icd10cm")), work))
    assert all(answer == expected[code] for code, answer in answers)


def test_describe_many_whole_column_path_agrees() -> None:
    from codekit import _registry

    records = _registry.current().select("icd10cm", release="FY2024").source().records()
    codes = [r.code for r in records if r.kind in ("category", "code")][:6000]
    codes += ["E11.99", "nonsense!", "B20"]
    many = codekit.describe_many(codes, code_set="icd10cm", release="FY2024")
    single = [
        codekit.get(c, code_set="icd10cm", release="FY2024") if c[-1] != "!" else None
        for c in codes
    ]
    assert many == [c.description if c else None for c in single]
    assert many[-1] == codekit.describe("B20")  # the category, not the block of that name


def test_describe_many_whole_column_with_unhashable_items() -> None:
    """A column too big for the plain way, with items that are no codes at all: those are
    ``None`` and the others are described as one at a time."""
    from codekit import _registry

    records = _registry.current().select("icd10cm", release="FY2024").source().records()
    codes: list[object] = [r.code for r in records if r.kind == "code"][:6000]
    column = [*codes, ["E11.9"], {"E11.9": 1}, "e11.9"]
    many = codekit.describe_many(column, code_set="icd10cm", release="FY2024")  # type: ignore[arg-type]
    assert many[-3:] == [None, None, codekit.describe("E11.9", release="FY2024")]
    assert many[:-3] == [codekit.describe(str(c), release="FY2024") for c in codes]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2021-09-30", dt.date(2021, 9, 30)),
        (" 2021-09-30 ", dt.date(2021, 9, 30)),
        ("2021-09-30T12:00:00", dt.date(2021, 9, 30)),
        (dt.datetime(2021, 9, 30, 23, 59), dt.date(2021, 9, 30)),
    ],
)
def test_dates_of_service_accept_dates_datetimes_and_iso_text(
    given: object, expected: dt.date
) -> None:
    from codekit._dates import to_date

    assert to_date(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "2021-09-30garbage",
        "2021-09-30 garbage",
        "2021-09-30T",
        "2021-09-30 12:00 and more",
        "30/09/2021",
        "",
        20210930,
        None,
    ],
)
def test_dates_of_service_refuse_anything_else(given: object) -> None:
    from codekit._dates import to_date

    with pytest.raises(InvalidDateError):
        to_date(given)


def test_lookup_refuses_a_date_with_trailing_text() -> None:
    with pytest.raises(InvalidDateError):
        codekit.lookup("E11.9", as_of="2021-09-30 garbage")
    # 2021-09-30 lies in the January 2021 update (FY2021-01)
    assert codekit.lookup("M54.5", as_of="2021-09-30 23:59:00").release == "FY2021-01"


def test_a_repeated_lookup_past_the_newest_release_warns_every_time() -> None:
    # The answer is remembered; the warning that it may be out of date is not forgotten.
    newest = codekit.data_releases("icd10cm")[-1]
    assert newest.until is not None
    day = newest.until + dt.timedelta(days=30)
    for _ in range(3):
        with pytest.warns(StaleDataWarning):
            assert codekit.is_valid("I10", code_set="icd10cm", as_of=day)


def test_preload_raises_a_plugins_data_error_at_start_up() -> None:
    from codekit.exceptions import PluginError
    from codekit.models import DataRelease
    from codekit.plugins import CodeSetSpec, Registrar, hookimpl
    from codekit.testing import isolated_registry

    def broken() -> object:
        raise OSError("descriptor file is gone")

    class Broken:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(CodeSetSpec(name="zz", title="ZZ", pattern="ZZ[0-9]"))
            registrar.add_release(
                DataRelease(
                    code_set="zz", release="1", effective=dt.date(2000, 1, 1), origin="plugin"
                ),
                source=broken,  # type: ignore[arg-type]
            )

    with isolated_registry(Broken()), pytest.raises(PluginError, match="descriptor file is gone"):
        codekit.preload(["zz"])


def _packaged_releases() -> list[tuple[str, str]]:
    return [(r.code_set, r.release) for r in codekit.data_releases() if r.origin == "packaged"]


@pytest.mark.parametrize(("code_set", "release_id"), _packaged_releases())
def test_the_title_index_answers_exactly_as_the_plain_path(code_set: str, release_id: str) -> None:
    # The fast path (a release's titles by canonical spelling) against the plain one
    # (normalise, then find the code's most specific item), on random stored codes of every
    # packaged release and on other spellings of them: it answers exactly the canonical
    # spellings of codes with a title, with the same text, and nothing else.
    import random

    from codekit import _registry, _titles
    from codekit._normalize import parse_for

    registry = _registry.current()
    release = registry.select(code_set, release=release_id)
    spec = registry.spec(code_set)
    index = _titles.index_of(release, spec)
    assert index is not None
    source = release.source()
    stored = [
        row[0]
        for row in source._data.query(
            "SELECT code FROM items WHERE present & ?",
            (source._mask,),
        )
    ]
    rng = random.Random(f"{code_set} {release_id}")
    picked = rng.sample(stored, min(250, len(stored)))
    texts = picked + [
        variant
        for code in picked[:60]
        for variant in (code.lower(), code.replace(".", ""), f" {code} ", code + "9", code[:-1])
    ]
    for text in texts:
        try:
            canonical: str | None = parse_for(text, spec)
        except InvalidCodeError:
            canonical = None
        expected = None
        if canonical == text:
            found = source.find(text)
            expected = (found[0].description or None) if found else None
        assert index.get(text) == expected, text
    # and through the public bulk call, which now uses the built index
    plain = []
    for text in texts:
        try:
            got = codekit.get(text, code_set=code_set, release=release_id)
        except InvalidCodeError:
            got = None
        plain.append(got.description or None if got is not None else None)
    assert codekit.describe_many(texts, code_set=code_set, release=release_id) == plain


def _titled_canonical_codes(code_set: str) -> dict[str, str]:
    """Codes of the newest release with a title, found one by one the plain way."""
    from codekit import _registry
    from codekit._normalize import parse_for

    registry = _registry.current()
    source = registry.select(code_set).source()
    spec = registry.spec(code_set)
    found = {}
    for record in source.records():
        if record.kind in ("code", "category") and parse_for(record.code, spec) == record.code:
            (first, *_) = source.find(record.code)
            if first.description:
                found[record.code] = first.description
    return found


def test_distinct_lookups_stop_querying_and_selecting_once_the_release_is_indexed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each distinct code used to cost a registry walk (select the newest release) and an
    # SQL query; past a few thousand codes a release's titles are in memory instead.
    from codekit import _registry, _titles
    from codekit._registry import Registry
    from codekit._store.sqlite import Dataset

    _registry.reset()
    titled = _titled_canonical_codes("icd10cm")
    codes = sorted(titled)
    warm, timed = codes[: _titles.PROMOTE_AFTER], codes[_titles.PROMOTE_AFTER :][:3000]
    for code in warm:
        codekit.describe(code, code_set="icd10cm")
    calls = {"query": 0, "select": 0}
    real_query, real_select = Dataset.query, Registry.select

    def query(self: Dataset, *args: object, **kwargs: object) -> object:
        calls["query"] += 1
        return real_query(self, *args, **kwargs)  # type: ignore[arg-type]

    def select(self: Registry, *args: object, **kwargs: object) -> object:
        calls["select"] += 1
        return real_select(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Dataset, "query", query)
    monkeypatch.setattr(Registry, "select", select)
    assert [codekit.describe(code, code_set="icd10cm") for code in timed] == [
        titled[code] for code in timed
    ]
    assert calls == {"query": 0, "select": 0}
    # other spellings and bad input still go the plain way and say what is wrong
    assert codekit.describe(timed[0].lower(), code_set="icd10cm") == titled[timed[0]]
    with pytest.raises(InvalidCodeError):
        codekit.describe("A00-A09", code_set="icd10cm")
    assert calls["query"] > 0


def test_distinct_code_values_do_not_walk_the_releases_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # lookup() of a code not seen before chose the newest release again on every call.
    from codekit import _registry
    from codekit._registry import Registry

    _registry.reset()
    codes = sorted(_titled_canonical_codes("pos"))
    assert codekit.lookup(codes[0], code_set="pos").description
    calls = {"select": 0}
    real = Registry.select

    def select(self: Registry, *args: object, **kwargs: object) -> object:
        calls["select"] += 1
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Registry, "select", select)
    found = [codekit.lookup(code, code_set="pos") for code in codes[1:]]
    assert [c.code for c in found] == codes[1:]
    assert calls["select"] == 0
    # a dated question still asks the registry (which warns when the date is past the data)
    codekit.lookup(codes[1], code_set="pos", as_of="2026-06-01")
    assert calls["select"] == 1
