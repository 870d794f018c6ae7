"""CMS download names for NCCI files, checked against the names of genuine CMS downloads.

The corpus SOURCE.md files record the zip names the genuine files came in:
``medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip`` (PTP, v32.2 r0 = 2026 Q3)
and ``medicare-ncci-2026-q3-practitioner-services-mue-table.zip`` (MUE).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import codekit
from codekit._edits.ncci.fetch import candidates, fetch_ncci, parse_release, ptp_version
from codekit._edits.ncci.formats import identify
from codekit._edits.ncci.synthetic import write_aoc, write_mue, write_ptp
from codekit.exceptions import DataError, DownloadError, LicenseNotAcceptedError


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


@pytest.fixture
def cms_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A local stand-in for CMS's download folder (loopback only), as CODEKIT_CMS_BASE_URL."""
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    site.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CODEKIT_CMS_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def _zip(site: Path, name: str, member: Path) -> None:
    with zipfile.ZipFile(site / name, "w") as archive:
        archive.write(member, member.name)


def test_fetch_ncci_downloads_every_table_of_the_quarter(
    cms_site: Path, tmp_path: Path, data_dir: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    ptp = [("11111", "22222", "20200101", "*", 0, "Mutually exclusive procedures")]
    _zip(
        cms_site,
        "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip",
        write_ptp(src, ptp, part=1),
    )
    _zip(
        cms_site,
        "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f2.zip",
        write_ptp(src, [("11111", "33333", "20200101", "*", 1, "x")], part=2),
    )
    _zip(
        cms_site,
        "medicare-ncci-2026-q3-practitioner-services-mue-table.zip",
        write_mue(src, [("11111", 1, 2, "Policy")]),
    )
    aoc = write_aoc(src, [("1", "30001", "", "11111", "", "2013091", "", "")], quarter="2026Q3")
    _zip(cms_site, "aoc-v2026q3-mcr.zip", aoc)
    with pytest.raises(LicenseNotAcceptedError):
        fetch_ncci("2026Q3")
    said: list[str] = []
    packs = fetch_ncci("2026Q3", accept_ama_license=True, progress=False, report=said.append)
    assert sorted((p.kind, p.release) for p in packs) == [
        ("ncci_aoc", "2026Q3"),
        ("ncci_mue", "2026Q3-practitioner"),
        ("ncci_ptp", "2026Q3-practitioner"),
    ]
    ptp_pack = next(p for p in packs if p.kind == "ncci_ptp")
    assert ptp_pack.manifest["rows"] == 2  # parts f1 and f2 form one pack
    assert any("NCCI ptp_practitioner: 2 part(s) found" in line for line in said)
    assert any("mue_dme" in line and "skipped" in line for line in said)
    assert codekit.addon_primaries("30001") == ("11111",)


def test_fetch_ncci_with_nothing_published_says_what_to_do(cms_site: Path, data_dir: Path) -> None:
    with pytest.raises(DownloadError, match="codekit data install"):
        fetch_ncci("2026Q4", accept_ama_license=True, progress=False)
