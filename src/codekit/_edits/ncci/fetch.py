"""Where CMS publishes the NCCI files: candidate download names per table and quarter.

All names are under ``https://www.cms.gov/files/zip/`` (CMS names files by hand; the
candidates below are the patterns seen in practice and are tried in order; a 404 moves on).
PTP file names carry the NCCI version, which follows the quarter: version ``VV.Q`` with
``VV = year - 1994`` and ``Q = quarter - 1`` (32.2 = 2026 Q3); the revision (``r0``, ``r1``
for a re-issue) is tried upwards. Every NCCI file contains CPT codes: downloading means
accepting the AMA licence (``--accept-ama-license``).

Candidates for ``2026Q3`` (``candidates("2026Q3")`` lists them all):

* PTP practitioner, parts f1..f4:
  ``medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip`` (then ``r1``, ``r2``);
* PTP outpatient hospital: ``medicare-ncci-2026q3-hospital-ptp-edits-ccioph-v322r0-f1.zip``;
* MUE: ``medicare-ncci-2026-q3-practitioner-services-mue-table.zip``, and
  ``-outpatient-hospital-services-`` / ``-dme-supplier-services-`` for the other settings;
* AOC: ``aoc-v2026q3-mcr.zip``, then ``medicare-ncci-2026-q3-add-on-code-edits.zip``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codekit.exceptions import DataError, DownloadError, LicenseNotAcceptedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from codekit._store.packs import Pack

__all__ = ["NCCI_PAGE", "candidates", "fetch_ncci", "parse_release", "ptp_version"]

#: CMS's NCCI pages (where the files whose names cannot be derived are found).
NCCI_PAGE = (
    "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits"
)
PTP_PARTS = 4
REVISIONS = 3
_MUE_SETTINGS = ("practitioner-services", "outpatient-hospital-services", "dme-supplier-services")


def parse_release(release: str) -> tuple[int, int]:
    """``(year, quarter)`` of ``2026Q3`` (also ``2026-Q3``, ``2026 q3``)."""
    found = re.fullmatch(r"(20[0-9]{2})[-_ ]?Q([1-4])", release.strip().upper())
    if found is None:
        raise DataError(f"NCCI release {release!r} is not like 2026Q3 (year and quarter)")
    return int(found[1]), int(found[2])


def ptp_version(year: int, quarter: int) -> str:
    """The NCCI version digits of a quarter: ``322`` for 2026 Q3."""
    return f"{year - 1994}{quarter - 1}"


def candidates(release: str) -> dict[str, list[list[str]]]:
    """Per table (``ptp_practitioner``, ``ptp_outpatient_hospital``, ``mue_<setting>``,
    ``aoc``), the files of the release, each as its list of candidate names (try in order).
    """
    year, quarter = parse_release(release)
    version = ptp_version(year, quarter)
    tag, dashed = f"{year}q{quarter}", f"{year}-q{quarter}"
    found: dict[str, list[list[str]]] = {}
    for table, setting, prefix in (
        ("ptp_practitioner", "practitioner", "ccipra"),
        ("ptp_outpatient_hospital", "hospital", "ccioph"),
    ):
        found[table] = [
            [
                f"medicare-ncci-{tag}-{setting}-ptp-edits-{prefix}-v{version}r{revision}-f{part}.zip"
                for revision in range(REVISIONS)
            ]
            for part in range(1, PTP_PARTS + 1)
        ]
    for setting in _MUE_SETTINGS:
        key = "mue_" + setting.removesuffix("-services").replace("-supplier", "").replace("-", "_")
        found[key] = [[f"medicare-ncci-{dashed}-{setting}-mue-table.zip"]]
    found["aoc"] = [[f"aoc-v{tag}-mcr.zip", f"medicare-ncci-{dashed}-add-on-code-edits.zip"]]
    return found


def fetch_ncci(
    release: str,
    *,
    accept_ama_license: bool = False,
    force: bool = False,
    progress: bool = True,
    report: Callable[[str], None] | None = None,
) -> list[Pack]:
    """Download every NCCI table of a quarter that CMS publishes and install them.

    ``codekit data fetch ncci --release 2026Q3 --accept-ama-license``. PTP parts are taken
    in order from f1 and stop at the first part not found (a PTP table is never installed
    with a gap); an MUE or AOC file not found is reported and skipped. Nothing is installed
    unless every file downloaded is identified.
    """
    import tempfile
    from pathlib import Path

    from codekit._importers import install_files
    from codekit._importers._base import AMA_NOTICE
    from codekit._read.download import base_url, download_first
    from codekit._store.packs import manifest_extra

    if not accept_ama_license:
        raise LicenseNotAcceptedError(AMA_NOTICE)
    say = report or (lambda _: None)
    with tempfile.TemporaryDirectory(prefix="codekit-fetch-ncci-") as tmp:
        got = []
        for table, parts in candidates(release).items():
            for number, options in enumerate(parts, 1):
                found = download_first(options, Path(tmp), progress=progress, report=say)
                if found is None:
                    if table.startswith("ptp") and number > 1:
                        say(f"NCCI {table}: {number - 1} part(s) found")
                    else:
                        say(f"NCCI {table} {release}: not found on {base_url()}, skipped")
                    break
                say(f"{found.url}: {found.size} bytes, sha256 {found.sha256}")
                got.append(found)
        if not got:
            raise DownloadError(
                f"no NCCI file of {release} was found at {base_url()}; download the files from "
                "CMS's NCCI pages and run `codekit data install FILE...`"
            )
        downloads = [{"url": d.url, "sha256": d.sha256, "size": d.size} for d in got]
        with manifest_extra({"download": downloads}):
            return install_files([d.path for d in got], force=force, report=report)
