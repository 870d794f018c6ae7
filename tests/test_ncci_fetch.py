"""CMS download names for NCCI files, checked against the names of genuine CMS downloads.

The corpus SOURCE.md files record the zip names the genuine files came in:
``medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip`` (PTP, v32.2 r0 = 2026 Q3)
and ``medicare-ncci-2026-q3-practitioner-services-mue-table.zip`` (MUE).
"""

from __future__ import annotations

import pytest

from codekit._ncci.fetch import candidates, parse_release, ptp_version
from codekit._ncci.formats import identify
from codekit.exceptions import DataError


def test_version_follows_the_quarter() -> None:
    assert ptp_version(2026, 3) == "322"
    assert ptp_version(2025, 1) == "310"
    info = identify("ccipra-v322r0-f1.txt")
    assert info is not None
    assert info.quarter == "2026Q3"


def test_candidates_include_the_genuine_download_names() -> None:
    names = candidates("2026Q3")
    assert (
        "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip"
        in names["ptp_practitioner"][0]
    )
    assert len(names["ptp_practitioner"]) == 4
    assert names["mue_practitioner"] == [
        ["medicare-ncci-2026-q3-practitioner-services-mue-table.zip"]
    ]
    assert set(names) >= {"ptp_outpatient_hospital", "mue_outpatient_hospital", "mue_dme", "aoc"}
    for files in names.values():
        for options in files:
            for name in options:
                found = identify(name.removesuffix(".zip"))
                assert found is None or found.quarter == "2026Q3"


@pytest.mark.parametrize("bad", ["2026", "2026Q5", "Q3 2026", ""])
def test_bad_release_says_what_is_expected(bad: str) -> None:
    with pytest.raises(DataError, match="2026Q3"):
        parse_release(bad)
