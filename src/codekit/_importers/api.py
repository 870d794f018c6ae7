"""The data-pack API behind :mod:`codekit.data` (install, list, remove, verify, fetch)."""

from __future__ import annotations

import tempfile
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from codekit._store import packs as _packs
from codekit.exceptions import InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from codekit._store.packs import Pack

__all__ = ["data_dir", "fetch", "install", "list_packs", "remove", "verify"]

PathOrUrl = str | PathLike[str]


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _paths_or_urls(value: object) -> list[PathOrUrl]:
    """The paths or URLs given, one or several; anything else is a DataFileError."""
    from codekit.exceptions import DataFileError

    given: list[object]
    if isinstance(value, str | PathLike):
        given = [value]
    elif isinstance(value, list | tuple):
        given = list(value)
    else:
        raise DataFileError(
            repr(value)[:80],
            "is not a path or URL; pass a file path (str or pathlib.Path), an http(s):// URL, "
            "or a list of them",
        )
    for entry in given:
        if not isinstance(entry, str | PathLike) or (
            isinstance(entry, PathLike) and not isinstance(entry.__fspath__(), str)
        ):
            raise DataFileError(
                repr(entry)[:80],
                "is not a path or URL; pass a file path (str or pathlib.Path) or an http(s):// URL",
            )
    return [e for e in given if isinstance(e, str | PathLike)]


def install(
    paths_or_urls: PathOrUrl | Sequence[PathOrUrl],
    *,
    force: bool = False,
    report: Callable[[str], None] | None = None,
    progress: bool = False,
) -> list[Pack]:
    """Install official CMS release files (zip, fixed-width txt, xlsx, csv) as data packs.

    Each file (and each member of a zip) is identified from its name and content; files of
    one release are combined (HCPCS file + ``proc_notes``). All or nothing: the packs of
    one call are put in place together once every file was identified, read and checked
    (record shapes, dates, duplicates, line ends, control characters, archive limits).
    An installed release is left alone unless ``force``.

    :param paths_or_urls: one or several paths, or ``http(s)://`` URLs (downloaded first).
    :param report: called with one line per file saying what was found.
    :param force: reinstall an installed release, and install a release holding far fewer
        codes than the one it replaces (refused otherwise).
    :param progress: show a progress bar on stderr while downloading URLs.
    :returns: the packs installed (or already installed).
    :raises DataFileError: a file is empty, truncated, corrupt or not identified
        (:class:`~codekit.exceptions.UnrecognizedFileError`), breaks its format at a line
        (:class:`~codekit.exceptions.MalformedFileError`) or holds far fewer codes than
        the release it would replace
        (:class:`~codekit.exceptions.IncompleteReleaseError`); nothing changed.
    :raises DownloadError: a URL could not be downloaded or names no file.
    """
    from codekit._importers import install_files
    from codekit._read.download import download
    from codekit._store.packs import manifest_extra

    if report is not None and not callable(report):
        raise InvalidValueError(
            "report",
            report,
            f"report= takes a function called with each line (such as print), not "
            f"{type(report).__name__}",
        )
    items = _paths_or_urls(paths_or_urls)
    with tempfile.TemporaryDirectory(prefix="codekit-download-") as tmp:
        paths: list[Path] = []
        downloads = []
        for entry in items:
            if _is_url(entry):
                got = download(str(entry), Path(tmp), progress=progress)
                downloads.append({"url": got.url, "sha256": got.sha256, "size": got.size})
                paths.append(got.path)
            else:
                paths.append(Path(entry))
        with manifest_extra({"downloads": downloads} if downloads else {}):
            return install_files(paths, force=force, report=report)


def list_packs(kind: str | None = None) -> list[Pack]:
    """The installed data packs (of one ``kind``), by kind and effective date."""
    return _packs.list_packs(kind)


def remove(kind: str, release: str) -> None:
    """Remove one installed pack (``codekit data remove KIND RELEASE``)."""
    _packs.remove_pack(kind, release)


def verify() -> list[str]:
    """Check every installed pack's files against the checksums in its manifest.

    :returns: one line per problem; an empty list means every pack is intact.
    """
    return _packs.verify_packs()


def data_dir() -> Path:
    """Where data packs are installed (``$CODEKIT_DATA_DIR`` or the user data directory)."""
    return _packs.data_dir()


def fetch(
    kind: str,
    release: str,
    *,
    accept_ama_license: bool = False,
    force: bool = False,
    progress: bool = True,
    report: Callable[[str], None] | None = None,
    sha256: str | None = None,
) -> list[Pack]:
    """Download one release from CMS's public URLs and install it.

    :param kind: ``hcpcs`` (codes + modifiers), ``icd10cm``, ``icd10pcs``, or an NCCI kind.
    :param release: the release id, e.g. ``2026-JAN`` (HCPCS) or ``FY2026`` (ICD-10).
    :param accept_ama_license: required for kinds whose files contain CPT codes (NCCI):
        the AMA licenses CPT and CMS makes every downloader accept that licence.
    :param sha256: the expected sha256 of the downloaded file (refused if it differs).
    :returns: the packs installed (see ``docs/data-packs.md`` for the URL patterns known).
    :raises LicenseNotAcceptedError: the kind needs the AMA licence and it was not accepted.
    :raises DownloadError: every known URL failed; nothing was installed.
    :raises ChecksumError: the download does not match ``sha256``; nothing was installed.
    """
    from codekit._importers import install_files
    from codekit._importers._base import AMA_NOTICE
    from codekit._importers._discover import fetch_sources
    from codekit._read.download import base_url, download_first
    from codekit.exceptions import DataError, DownloadError, LicenseNotAcceptedError

    for name, value in (("kind", kind), ("release", release)):
        if not isinstance(value, str):
            raise DataError(
                f"{name} must be a string such as 'hcpcs' / '2026-JAN', not {value!r:.60}"
            )
    # what can be fetched is declared by the importer modules (their FETCH_SOURCES)
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
        with _packs.manifest_extra(provenance):
            return install_files([got.path], force=force, report=report)
