"""``codekit data fetch KIND --release R``: download one release from CMS and install it.

What can be fetched is declared by the importer modules themselves (their
``FETCH_SOURCES``, found by :mod:`codekit._importers._discover`); the downloading is
:mod:`codekit._read.download`. See ``docs/data-packs.md`` for the URL patterns known.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from codekit._importers._base import AMA_NOTICE
from codekit._importers._discover import fetch_sources
from codekit._read.download import base_url, download_first
from codekit.exceptions import DataError, DownloadError, LicenseNotAcceptedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from codekit._store.packs import Pack

__all__ = ["fetch_release"]


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

    sources = fetch_sources()
    source = sources.get(kind)
    if source is None:
        known = ", ".join(sorted(sources))
        raise DataError(f"codekit cannot fetch {kind!r}; known kinds: {known}")
    if source.ama_license and not accept_ama_license:
        raise LicenseNotAcceptedError(AMA_NOTICE)
    if source.fetch is not None:  # a source of several files downloads them itself
        return source.fetch(
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
    names = source.names(release)
    with tempfile.TemporaryDirectory(prefix="codekit-fetch-") as tmp:
        got = download_first(names, Path(tmp), progress=progress, sha256=sha256, report=report)
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
