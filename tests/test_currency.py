"""Currency: which release answers a date of service, and saying so when the data is old.

The rules under test (``Registry.select``): a date after the newest release's end is answered
by the newest release with a ``StaleDataWarning``, never silently; a date before the oldest
release raises ``UnknownReleaseError``; errors about a plugin's releases name the plugin.
The packaged HCPCS quarters are CMS's IOCE quarters (2019-07-01 to 2026-06-30, the dates
``pyoce``'s ``version_range`` table gives; see ``tests/test_hcpcs_packaged.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings
from pathlib import Path

import pytest

import codekit
import codekit.data
from codekit import _registry
from codekit._cli.main import main
from codekit.exceptions import CodekitWarning, StaleDataWarning, UnknownReleaseError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

FIRST_QUARTER, LAST_DAY = dt.date(2019, 7, 1), dt.date(2026, 6, 30)
PACKS = Path(__file__).parent / "fixtures" / "packs"


class VendorCodes:
    """A third-party plugin whose code set has releases for 2020 and 2021 only."""

    __name__ = "vendor_codes"

    def __init__(self, *, open_ended_first: bool = False) -> None:
        self.open_ended_first = open_ended_first

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="vnd", title="Vendor", pattern=r"VN[0-9]{3}"))
        registrar.add_release(
            DataRelease(
                code_set="vnd",
                release="2020",
                effective=dt.date(2020, 1, 1),
                until=None if self.open_ended_first else dt.date(2020, 12, 31),
                origin="plugin",
            ),
            records=[CodeRecord(code="VN001", description="Old text")],
        )
        registrar.add_release(
            DataRelease(
                code_set="vnd",
                release="2021",
                effective=dt.date(2021, 1, 1),
                until=dt.date(2021, 12, 31),
                origin="plugin",
            ),
            records=[CodeRecord(code="VN001", description="New text")],
        )


# -- after the newest release: answered, with a warning --------------------------------------


def test_hcpcs_after_the_newest_quarter_warns_and_answers_from_it() -> None:
    day = LAST_DAY + dt.timedelta(days=1)
    with pytest.warns(StaleDataWarning, match=r"2026-APR.*2026-04-01 to 2026-06-30"):
        code = codekit.lookup("J1100", code_set="hcpcs", as_of=day)
    assert code.release == "2026-APR"
    # Other lookups after the end say so too.
    with pytest.warns(StaleDataWarning):
        assert codekit.is_valid("J1110", code_set="hcpcs", as_of=day)
    with pytest.warns(StaleDataWarning):
        assert codekit.describe("J7030", code_set="hcpcs", as_of="2027-03-01")


def test_the_last_day_of_the_newest_quarter_is_not_stale() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CodekitWarning)
        assert codekit.lookup("J1100", code_set="hcpcs", as_of=LAST_DAY).release == "2026-APR"


def test_the_warning_can_be_filtered() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleDataWarning)
        assert codekit.lookup("A4253", code_set="hcpcs", as_of="2030-01-01").release == "2026-APR"


def test_before_the_oldest_quarter_still_raises() -> None:
    with pytest.raises(UnknownReleaseError, match="2019-07-01 to 2026-06-30") as caught:
        codekit.lookup("J1100", code_set="hcpcs", as_of=FIRST_QUARTER - dt.timedelta(days=1))
    assert "codekit data install" in str(caught.value)


def test_a_retired_code_set_refuses_later_dates() -> None:
    assert codekit.is_valid("250.00", code_set="icd9cm", as_of="2015-09-30")
    with pytest.raises(UnknownReleaseError, match="retired"):
        codekit.is_valid("250.00", code_set="icd9cm", as_of="2016-01-01")


# -- a plugin's releases --------------------------------------------------------------------


def test_a_plugins_release_errors_name_the_plugin() -> None:
    with isolated_registry(VendorCodes()):
        with pytest.raises(UnknownReleaseError) as before:
            codekit.lookup("VN001", code_set="vnd", as_of="2019-06-01")
        assert "vendor_codes" in str(before.value)
        assert "codekit data install" not in str(before.value)
        with pytest.raises(UnknownReleaseError) as mismatch:
            codekit.lookup("VN001", code_set="vnd", release="2020", as_of="2021-06-01")
        assert "vendor_codes" in str(mismatch.value)
        with pytest.warns(StaleDataWarning, match="vendor_codes") as stale:
            code = codekit.lookup("VN001", code_set="vnd", as_of="2022-02-01")
        assert code.description == "New text"
        assert "codekit data install" not in str(stale[0].message)


def test_an_open_ended_release_is_superseded_by_a_later_one() -> None:
    # "In force until superseded": after 2021 the 2020 release must not answer silently.
    with isolated_registry(VendorCodes(open_ended_first=True)):
        assert codekit.describe("VN001", code_set="vnd", as_of="2020-06-01") == "Old text"
        assert codekit.describe("VN001", code_set="vnd", as_of="2021-06-01") == "New text"
        with pytest.warns(StaleDataWarning, match="2021"):
            assert codekit.describe("VN001", code_set="vnd", as_of="2022-06-01") == "New text"


# -- showing currency -----------------------------------------------------------------------


def test_data_releases_newest_gives_the_release_a_dateless_lookup_uses() -> None:
    newest = {r.code_set: r for r in codekit.data_releases(newest=True)}
    assert set(newest) == {r.code_set for r in codekit.data_releases()}
    assert newest["hcpcs"].release == codekit.lookup("J1100", code_set="hcpcs").release
    assert (newest["hcpcs"].effective, newest["hcpcs"].until) == (dt.date(2026, 4, 1), LAST_DAY)
    assert codekit.data_releases("hcpcs", newest=True) == (newest["hcpcs"],)
    # The plain call is unchanged: every release, oldest first.
    assert codekit.data_releases("hcpcs")[0].effective == FIRST_QUARTER


def test_cli_releases_shows_currency_per_code_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "--on", "2026-05-01", "--code-set", "hcpcs", "--check"]) == 0
    out = capsys.readouterr().out
    assert "2026-APR" in out
    assert "current" in out
    assert main(["releases", "--on", "2026-07-01", "--code-set", "hcpcs", "--check"]) == 1
    assert "stale: ended 2026-06-30, 1 days ago" in capsys.readouterr().out
    assert main(["releases", "--on", "2026-07-01", "--code-set", "icd9cm", "--check"]) == 0
    assert "retired" in capsys.readouterr().out
    assert main(["releases", "--on", "2026-07-01", "--code-set", "hcpcs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    newest = [r for r in rows if r["newest"]]
    assert [(r["release"], r["covers"]) for r in newest] == [("2026-APR", False)]
    assert len(rows) == len(codekit.data_releases("hcpcs"))


def test_cli_releases_all_lists_every_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "--all", "--code-set", "hcpcs"]) == 0
    out = capsys.readouterr().out
    assert "2019-JUL" in out
    assert "2026-APR" in out


def test_a_pack_of_a_newer_quarter_answers_from_its_first_day(
    data_dir: Path, tmp_path: Path
) -> None:
    # The synthetic CMS-layout file of the pack tests, named as CMS names a July 2026 file.
    newer = tmp_path / "HCPC2026_JUL_ANWEB.txt"
    shutil.copyfile(PACKS / "HCPC2030_JAN_ANWEB.txt", newer)
    codekit.data.install(newer)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CodekitWarning)
        assert codekit.lookup("A9999", code_set="hcpcs", as_of="2026-08-01").release == "2026-JUL"
        assert codekit.lookup("J1100", code_set="hcpcs", as_of="2026-06-30").release == "2026-APR"
    newest = codekit.data_releases("hcpcs", newest=True)
    assert [(r.release, r.origin) for r in newest] == [("2026-JUL", "pack")]


# -- precedence: of the releases covering a date, pack > plugin > packaged --------------------


class HcpcsOverride:
    """A third-party plugin with an HCPCS release for the whole of 2026."""

    __name__ = "hcpcs_override"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_release(
            DataRelease(
                code_set="hcpcs",
                release="2026",
                effective=dt.date(2026, 1, 1),
                until=dt.date(2026, 12, 31),
                origin="plugin",
            ),
            records=[CodeRecord(code="J1100", description="Plugin text")],
        )


def test_a_pack_beats_a_plugin_which_beats_packaged_on_every_date_they_cover(
    data_dir: Path, tmp_path: Path
) -> None:
    # issue 12's rule: an installed pack overrides a plugin, a plugin overrides what ships
    # with codekit, whatever their effective dates; outside their periods packaged answers.
    pack = tmp_path / "HCPC2026_APR_ANWEB.txt"
    shutil.copyfile(PACKS / "HCPC2030_JAN_ANWEB.txt", pack)

    def origin(day: str | None) -> tuple[str, str]:
        registry = _registry.current()
        chosen = registry.select("hcpcs", as_of=dt.date.fromisoformat(day) if day else None)
        return chosen.info.origin, chosen.info.release

    with isolated_registry(HcpcsOverride()):
        assert origin("2025-12-31") == ("packaged", "2025-OCT")
        # the plugin over packaged 2026-JAN and 2026-APR (which begins later than it)
        for day in ("2026-01-01", "2026-05-01", "2026-06-30", None):
            assert origin(day) == ("plugin", "2026"), day
        assert codekit.describe("J1100", code_set="hcpcs", as_of="2026-05-01") == "Plugin text"
        codekit.data.install(pack, force=True)  # a few codes as 2026-APR: refused without force
        # the pack (open-ended: no later release begins) over the plugin and packaged 2026-APR
        for day in ("2026-04-01", "2026-06-30", "2026-12-31", None):
            assert origin(day) == ("pack", "2026-APR"), day
        assert codekit.get("J1100", code_set="hcpcs", as_of="2026-05-01") is None
        assert codekit.lookup("A9999", code_set="hcpcs", as_of="2026-05-01").release == "2026-APR"
        (newest,) = codekit.data_releases("hcpcs", newest=True)
        assert (newest.origin, newest.release) == ("pack", "2026-APR")
    # without the plugin, the plugin's dates fall back to packaged
    assert origin("2026-01-01") == ("packaged", "2026-JAN")


def test_an_open_ended_pack_is_ended_by_the_next_packaged_quarter(
    data_dir: Path, tmp_path: Path
) -> None:
    # "until superseded" counts a later release of any origin: an old pack never answers
    # the dates of a newer packaged quarter.
    pack = tmp_path / "HCPC2020_JAN_ANWEB.txt"
    shutil.copyfile(PACKS / "HCPC2030_JAN_ANWEB.txt", pack)
    codekit.data.install(pack, force=True)
    registry = _registry.current()
    assert registry.select("hcpcs", as_of=dt.date(2020, 3, 31)).info.origin == "pack"
    assert registry.select("hcpcs", as_of=dt.date(2020, 4, 1)).info.release == "2020-APR"
    assert registry.select("hcpcs").info.release == "2026-APR"
