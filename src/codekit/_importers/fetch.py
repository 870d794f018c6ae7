"""Downloading official releases from CMS: known URL patterns, retries, resume, checksums.

Known URL patterns (all under ``https://www.cms.gov/files/zip/``; CMS names files by hand, so
each kind lists the candidates seen in practice and they are tried in order; a 404 moves to
the next candidate):

==============  =============  ========================================================
kind            release        file names tried
==============  =============  ========================================================
``hcpcs``       ``2026-JAN``   ``january-2026-alpha-numeric-hcpcs-file.zip``, the plural
                               ``...-hcpcs-files.zip`` (used for Oct 2023, Apr/Oct 2024),
                               and for January ``2026-alpha-numeric-hcpcs-file.zip``
``icd10cm``     ``FY2026``     ``2026-code-descriptions-tabular-order.zip``;
                ``FY2026-APR`` ``april-1-2026-code-descriptions-tabular-order.zip``
``icd10pcs``    ``FY2026``     ``2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip``,
                               ``2026-icd-10-pcs-codes-file.zip``; April: ``april-1-`` prefix
``ncci_mue``    ``2026Q3``     ``medicare-ncci-2026-q3-practitioner-services-mue-table.zip``
==============  =============  ========================================================

Not known: NCCI PTP and AOC file names carry a version number (``ccipra-v322r0-f1``)
that cannot be derived from the quarter; download those from CMS's NCCI pages and run
``codekit data install``. When CMS re-issues a file under an ``-updated-MMDDYYYY`` name the
pattern misses it too: pass the URL to ``codekit data install`` instead.

NCCI kinds need ``accept_ama_license=True``: CMS's NCCI files contain CPT codes, which the
AMA licenses, and CMS makes every downloader accept that licence first (DATA.md §1).

``CODEKIT_CMS_BASE_URL`` replaces the base URL (a mirror, or a local server in tests).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from codekit.exceptions import (
    ChecksumError,
    DataError,
    DownloadError,
    LicenseNotAcceptedError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from codekit._store.packs import Pack

__all__ = ["FETCH_SOURCES", "Download", "FetchSource", "download", "fetch_release", "file_name"]

BASE_URL_ENV = "CODEKIT_CMS_BASE_URL"
DEFAULT_BASE_URL = "https://www.cms.gov/files/zip"
_MONTHS = {"JAN": "january", "APR": "april", "JUL": "july", "OCT": "october"}
_BLOCK = 1 << 16
_TIMEOUT = 60


@attrs.frozen
class Download:
    """A downloaded file, its sha256 and where it came from."""

    path: Path
    sha256: str
    url: str
    size: int


@attrs.frozen
class FetchSource:
    """How one kind of release is found on CMS's site."""

    kind: str
    title: str
    release_help: str
    names: Callable[[str], list[str]] | None
    ama_license: bool = False
    page: str = ""


def _hcpcs_release(release: str) -> tuple[int, str]:
    found = re.fullmatch(
        r"(20[0-9]{2})(?:[-_ ]?(JAN|APR|JUL|OCT|Q[1-4]))?", release.strip().upper()
    )
    if found is None:
        raise DataError(f"HCPCS release {release!r} is not like 2026-JAN (JAN, APR, JUL, OCT)")
    quarter = found[2] or "JAN"
    if quarter.startswith("Q"):
        quarter = ("JAN", "APR", "JUL", "OCT")[int(quarter[1]) - 1]
    return int(found[1]), quarter


def _hcpcs_names(release: str) -> list[str]:
    year, quarter = _hcpcs_release(release)
    month = _MONTHS[quarter]
    names = [
        f"{month}-{year}-alpha-numeric-hcpcs-file.zip",
        f"{month}-{year}-alpha-numeric-hcpcs-files.zip",
    ]
    if quarter == "JAN":
        names.append(f"{year}-alpha-numeric-hcpcs-file.zip")
    return names


def _fiscal(release: str) -> tuple[int, bool]:
    found = re.fullmatch(r"(?:FY)?(20[0-9]{2})(-APR)?", release.strip().upper())
    if found is None:
        raise DataError(f"release {release!r} is not like FY2026 or FY2026-APR")
    return int(found[1]), bool(found[2])


def _icd10cm_names(release: str) -> list[str]:
    year, april = _fiscal(release)
    prefix = "april-1-" if april else ""
    return [f"{prefix}{year}-code-descriptions-tabular-order.zip"]


def _icd10pcs_names(release: str) -> list[str]:
    year, april = _fiscal(release)
    prefix = "april-1-" if april else ""
    return [
        f"{prefix}{year}-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
        f"{prefix}{year}-icd-10-pcs-codes-file.zip",
    ]


def _mue_names(release: str) -> list[str]:
    found = re.fullmatch(r"(20[0-9]{2})[-_ ]?Q([1-4])", release.strip().upper())
    if found is None:
        raise DataError(f"NCCI release {release!r} is not like 2026Q3")
    return [f"medicare-ncci-{found[1]}-q{found[2]}-practitioner-services-mue-table.zip"]


_NCCI_PAGE = (
    "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits"
)

#: What ``codekit data fetch`` knows, by kind.
FETCH_SOURCES: dict[str, FetchSource] = {
    "hcpcs": FetchSource("hcpcs", "HCPCS Level II + modifiers", "2026-JAN", _hcpcs_names),
    "icd10cm": FetchSource("icd10cm", "ICD-10-CM", "FY2026 or FY2026-APR", _icd10cm_names),
    "icd10pcs": FetchSource("icd10pcs", "ICD-10-PCS", "FY2026 or FY2026-APR", _icd10pcs_names),
    "ncci_mue": FetchSource(
        "ncci_mue", "NCCI MUE (practitioner)", "2026Q3", _mue_names, True, _NCCI_PAGE
    ),
    "ncci_ptp": FetchSource("ncci_ptp", "NCCI PTP", "2026Q3", None, True, _NCCI_PAGE),
    "ncci_aoc": FetchSource("ncci_aoc", "NCCI add-on codes", "2026Q3", None, True, _NCCI_PAGE),
}
FETCH_SOURCES["modifier"] = FETCH_SOURCES["hcpcs"]
FETCH_SOURCES["ncci"] = FetchSource(
    "ncci",
    "NCCI PTP, MUE and add-on codes (every table of a quarter)",
    "2026Q3",
    None,
    True,
    _NCCI_PAGE,
)

AMA_NOTICE = (
    "NCCI files contain CPT codes, which are copyrighted by the American Medical Association; "
    "CMS lets you download them only after you accept the AMA licence. Pass "
    "--accept-ama-license (accept_ama_license=True) to confirm that you accept it"
)


def base_url() -> str:
    """CMS's download folder, or ``$CODEKIT_CMS_BASE_URL``."""
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


class _Progress:
    """A one-line progress bar on stderr (only when enabled)."""

    def __init__(self, name: str, total: int | None, enabled: bool) -> None:
        self._name = name
        self._total = total
        self._enabled = enabled
        self._last = 0.0

    def update(self, done: int, *, final: bool = False) -> None:
        if not self._enabled:
            return
        now = time.monotonic()
        if not final and now - self._last < 0.1:
            return
        self._last = now
        mb = done / 1e6
        if self._total:
            share = min(done / self._total, 1.0)
            bar = "#" * int(share * 30)
            line = f"\r{self._name} [{bar:<30}] {share:4.0%} {mb:.1f}/{self._total / 1e6:.1f} MB"
        else:
            line = f"\r{self._name} {mb:.1f} MB"
        sys.stderr.write(line + ("\n" if final else ""))
        sys.stderr.flush()


class _NotFound(Exception):
    pass


def _attempt(url: str, part: Path, progress: bool) -> None:
    """One try: resume ``part`` if the server supports ranges, else start over."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "codekit"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=_TIMEOUT)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            return
        if exc.code in (404, 410):
            raise _NotFound(url) from exc
        raise
    with response:
        resumed = have and response.status == 206
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        total = (expected + have) if (expected is not None and resumed) else expected
        bar = _Progress(Path(url).name, total, progress)
        done = have if resumed else 0
        with part.open("ab" if resumed else "wb") as out:
            while True:
                block = response.read(_BLOCK)
                if not block:
                    break
                out.write(block)
                done += len(block)
                bar.update(done)
        bar.update(done, final=True)
    if total is not None and done != total:
        raise urllib.error.ContentTooShortError(
            f"got {done} of {total} bytes",
            None,  # type: ignore[arg-type]
        )


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ ()-]{0,199}")


def file_name(url: object) -> str:
    """The file name a URL is saved under: its last path segment, decoded and checked.

    The name decides how the file is identified (CMS names say kind and release), so it is
    kept, but never used as a path: a segment that decodes to ``..``, holds a NUL, a slash
    or other control characters, or is no file name at all is refused with a
    :class:`DownloadError` (nothing is requested).
    """
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise DownloadError(f"{url!r} is not an http(s):// URL; pass the URL of a CMS file")
    path = urllib.parse.urlsplit(url).path
    segment = urllib.parse.unquote(path.rsplit("/", 1)[-1], errors="replace")
    if not _SAFE_NAME.fullmatch(segment):
        raise DownloadError(
            f"{url}: the URL's last segment {segment!r} is not a file name (letters, digits, "
            "'.', '_', '-'); pass the URL of the file itself, as CMS publishes it"
        )
    return segment


def download(
    url: str,
    folder: Path,
    *,
    progress: bool = True,
    sha256: str | None = None,
    retries: int = 3,
) -> Download:
    """Download ``url`` into ``folder`` (a ``.part`` file, renamed when complete).

    Transient failures (connection errors, 5xx, a cut-off body) are retried ``retries``
    times, resuming with an HTTP range when the server allows it. ``sha256``, when given,
    must match or the file is deleted and :class:`ChecksumError` raised.
    """
    name = file_name(url)
    part = folder / f"{name}.part"
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            _attempt(url, part, progress)
            last = None
            break
        except _NotFound:
            part.unlink(missing_ok=True)
            raise
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                part.unlink(missing_ok=True)
                raise DownloadError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
            last = exc
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            last = exc
        if attempt < retries:
            time.sleep(min(0.2 * 2**attempt, 5))
    if last is not None:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{url}: download failed after {retries + 1} tries ({last})")
    digest = hashlib.sha256()
    with part.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    found = digest.hexdigest()
    if sha256 is not None and found != sha256.lower():
        part.unlink(missing_ok=True)
        raise ChecksumError(url, f"sha256 is {found}, expected {sha256}; nothing was installed")
    target = folder / name
    os.replace(part, target)
    return Download(target, found, url, target.stat().st_size)


def fetch_release(
    kind: str,
    release: str,
    *,
    accept_ama_license: bool = False,
    force: bool = False,
    progress: bool = True,
    report: Callable[[str], None] | None = None,
    sha256: str | None = None,
) -> list[Pack]:
    """Download one release (trying the known file names) and install it."""
    from codekit._importers import install_files
    from codekit._store.packs import manifest_extra

    source = FETCH_SOURCES.get(kind)
    if source is None:
        known = ", ".join(sorted(FETCH_SOURCES))
        raise DataError(f"codekit cannot fetch {kind!r}; known kinds: {known}")
    if source.ama_license and not accept_ama_license:
        raise LicenseNotAcceptedError(AMA_NOTICE)
    if kind == "ncci":  # every table of a quarter: PTP parts, MUE settings, AOC
        from codekit._ncci.fetch import fetch_ncci

        return fetch_ncci(
            release,
            accept_ama_license=accept_ama_license,
            force=force,
            progress=progress,
            report=report,
        )
    if source.names is None:
        raise DataError(
            f"{source.title} file names carry a version number that codekit cannot derive "
            f"from the release; download the files from {source.page} and run "
            "`codekit data install FILE...`"
        )
    names: Sequence[str] = source.names(release)
    with tempfile.TemporaryDirectory(prefix="codekit-fetch-") as tmp:
        got: Download | None = None
        for name in names:
            url = f"{base_url()}/{name}"
            try:
                got = download(url, Path(tmp), progress=progress, sha256=sha256)
                break
            except _NotFound:
                if report is not None:
                    report(f"{url}: not found")
        if got is None:
            tried = ", ".join(names)
            raise DownloadError(
                f"no {source.title} release {release} at {base_url()} (tried {tried}); "
                "find the file on cms.gov and run `codekit data install URL`"
            )
        if report is not None:
            report(f"{got.url}: {got.size} bytes, sha256 {got.sha256}")
        provenance = {"download": {"url": got.url, "sha256": got.sha256, "size": got.size}}
        with manifest_extra(provenance):
            return install_files([got.path], force=force, report=report)
