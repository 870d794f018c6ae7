"""Downloading a file over HTTP(S): retries, resume, a checksum, a progress bar.

Generic: it knows nothing of CMS's file names (each importer module declares its own
:class:`~codekit._importers._base.FetchSource`). ``CODEKIT_CMS_BASE_URL`` replaces CMS's
download folder (a mirror, or a local server in tests).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from codekit.exceptions import ChecksumError, DownloadError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "BASE_URL_ENV",
    "Download",
    "NotFoundError",
    "base_url",
    "download",
    "download_first",
    "file_name",
]

BASE_URL_ENV = "CODEKIT_CMS_BASE_URL"
DEFAULT_BASE_URL = "https://www.cms.gov/files/zip"
_BLOCK = 1 << 16
_TIMEOUT = 60


@attrs.frozen
class Download:
    """A downloaded file, its sha256 and where it came from."""

    path: Path
    sha256: str
    url: str
    size: int


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


class NotFoundError(Exception):
    """The server has no such file (HTTP 404 or 410): the caller tries its next name."""


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
            raise NotFoundError(url) from exc
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
        except NotFoundError:
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


def download_first(
    names: Sequence[str],
    folder: Path,
    *,
    progress: bool = True,
    sha256: str | None = None,
    report: Callable[[str], None] | None = None,
) -> Download | None:
    """The first of ``names`` (under :func:`base_url`) the server has, downloaded; ``None``
    when it has none of them (each miss is reported as ``URL: not found``)."""
    for name in names:
        url = f"{base_url()}/{name}"
        try:
            return download(url, folder, progress=progress, sha256=sha256)
        except NotFoundError:
            if report is not None:
                report(f"{url}: not found")
    return None
