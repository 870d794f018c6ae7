"""The NCCI caches live in the registry (one cache context) and go with it.

The tables in force (``selection``) and the code-validity verdicts (``validity``) are kept in
:meth:`Registry.memo`: installing or removing a pack, or a plugin release, is seen by the very
next claim. The truth is what the test installs: a PTP row of indicator 0 denies its column 2
line (NCCI.md), and a code that a registered HCPCS release lists is valid on its dates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit import _registry
from codekit._edits.ncci.policy import Policy
from codekit._edits.ncci.synthetic import write_mue, write_ptp
from codekit._importers import install_files
from codekit._importers.api import list_packs, remove
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, hookimpl
from codekit.testing import isolated_registry

DOS = "2026-08-03"
EDITS_ONLY = Policy(validate_codes=False)
ROWS = [("11111", "22222", "20200101", "*", 0, "Mutually exclusive procedures")]


def _claim(*codes: str, day: str = DOS) -> dict[str, Any]:
    return {
        "claim_id": "C",
        "lines": [
            {"line_id": str(i), "code": code, "date_of_service": day}
            for i, code in enumerate(codes, 1)
        ],
    }


def _ptp(report: codekit.EditReport) -> list[tuple[str, bool]]:
    return [(f.severity, f.unchecked) for f in report.findings if f.kind == "ptp"]


def _frame_ptp(claim: dict[str, Any]) -> list[str]:
    frame = codekit.check_claims([codekit.Claim.from_dict(claim)], policy=EDITS_ONLY)
    return list(frame["severity"][frame["kind"] == "ptp"])


def test_an_installed_table_is_used_by_the_next_claim_and_a_removed_one_is_not(
    data_dir: Path, tmp_path: Path
) -> None:
    claim = _claim("11111", "22222")
    # no PTP table yet: PTP cannot run (and the answer is cached in the registry)
    assert _ptp(codekit.check_claim(claim, policy=EDITS_ONLY)) == [("unverifiable", True)]
    assert _ptp(codekit.check_claim(claim, policy=EDITS_ONLY)) == [("unverifiable", True)]
    install_files([write_ptp(tmp_path, ROWS)])
    # the next claim, at once (no refresh, no wait): the row denies the column 2 line
    report = codekit.check_claim(claim, policy=EDITS_ONLY)
    assert _ptp(report) == [("deny", False)]
    assert report.findings[0].denied_line_ids == ("2",)
    # the batch path reads the same tables
    assert _frame_ptp(claim) == ["deny"]
    (pack,) = [p for p in list_packs() if p.kind.startswith("ncci")]
    remove(pack.kind, pack.release)
    # removed: not answered from the cache of the registry that had it
    assert _ptp(codekit.check_claim(claim, policy=EDITS_ONLY)) == [("unverifiable", True)]
    assert set(_frame_ptp(claim)) == {"unverifiable"}


def test_the_tables_in_force_are_cached_by_the_registry(data_dir: Path, tmp_path: Path) -> None:
    install_files([write_mue(tmp_path, [("20001", 1, 1, "Anatomic Consideration")])])
    claim = _claim("20001")
    codekit.check_claim(claim, policy=EDITS_ONLY)
    held: dict[Any, Any] = _registry.current().memo(("ncci", "tables in force"), dict)
    assert [key[:2] for key in held] == [("practitioner", "medicare")]
    _registry.reset()
    # a rebuilt registry starts without them; the next claim fills its own
    assert _registry.current().memo(("ncci", "tables in force"), dict) == {}
    codekit.check_claim(claim, policy=EDITS_ONLY)
    assert len(_registry.current().memo(("ncci", "tables in force"), dict)) == 1


#: A HCPCS Level II code no packaged quarter lists (the packaged quarters end 2026-06-30).
NEW_CODE = "Q9899"
LATER = "2027-02-01"


class _NewHcpcs:
    """A plugin release of HCPCS Level II from 2027-01-01 that lists :data:`NEW_CODE`."""

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        registrar.add_release(
            DataRelease(
                code_set="hcpcs",
                release="2027-JAN",
                effective=dt.date(2027, 1, 1),
                origin="plugin",
            ),
            records=[CodeRecord(code=NEW_CODE, description="A code of the plugin's quarter")],
        )


def _validity(report: codekit.EditReport) -> list[str]:
    return [f.severity for f in report.findings if f.kind == "validity"]


@pytest.mark.filterwarnings("ignore::codekit.exceptions.StaleDataWarning")
def test_a_plugin_release_changes_the_validity_verdict_of_the_next_claim(data_dir: Path) -> None:
    claim = _claim(NEW_CODE, day=LATER)
    assert codekit.get(NEW_CODE, code_set="hcpcs") is None  # not in any packaged quarter
    # answered from the newest packaged quarter, which does not list it: invalid
    assert _validity(codekit.check_claim(claim)) == ["deny"]
    with isolated_registry(_NewHcpcs()):
        # the plugin's release covers the date and lists the code: valid
        assert _validity(codekit.check_claim(claim)) == []
        frame = codekit.check_claims([codekit.Claim.from_dict(claim)])
        assert "validity" not in set(frame["kind"])
    # the plugin is gone: not answered from the cache of its registry
    assert _validity(codekit.check_claim(claim)) == ["deny"]
    frame = codekit.check_claims([codekit.Claim.from_dict(claim)])
    assert list(frame["severity"][frame["kind"] == "validity"]) == ["deny"]


def test_a_full_cache_drops_its_older_half_not_everything(
    hcpcs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the verdict cache emptied itself at its bound: every value of every claim was asked
    # of the store again at once
    from codekit._edits.memo import Memo
    from codekit._edits.ncci import validity

    memo = Memo(("test", "bounded"), bound=8)
    for n in range(8):
        memo.get()[n] = n
    assert list(memo.get()) == [4, 5, 6, 7]  # full: the four added last are kept
    memo.get()[8] = 8
    assert list(memo.get()) == [4, 5, 6, 7, 8]

    monkeypatch.setattr(validity._VERDICTS, "bound", 4)
    _registry.reset()
    day = dt.date(2019, 6, 3)
    values = ["J1100", "A4466", "A4401", "A4400", "A4402", "J1100"]
    # CMS 2019 file: J1100, A4400 and A4402 are listed and in force; A4466 ended 2016-12-31;
    # A4401 is not listed
    expected = ["valid", "invalid", "invalid", "valid", "valid", "valid"]
    for _ in range(3):
        assert [validity.verdict("code", v, day)[0] for v in values] == expected
        assert 0 < len(validity._VERDICTS.get()) <= 4
