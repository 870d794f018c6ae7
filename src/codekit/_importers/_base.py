"""The importer contract's values (see :mod:`codekit._importers`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from codekit._store.packs import Pack

__all__ = ["AMA_NOTICE", "Detection", "FetchSource", "Importer"]


@attrs.frozen(kw_only=True)
class Detection:
    """What one file is: which importer reads it, for which pack kind and release."""

    importer: str
    kind: str
    release: str
    effective: dt.date
    until: dt.date | None = None
    path: Path
    origin: str
    summary: str
    role: str = "main"


class Importer(Protocol):
    """One kind of official file (see :mod:`codekit._importers` for the contract)."""

    @property
    def name(self) -> str:
        """Unique name of the importer (groups detections)."""
        ...

    def detect(self, path: Path) -> Detection | None: ...

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]: ...


class FetchRelease(Protocol):
    """A source that downloads and installs a release itself (several files, say)."""

    def __call__(
        self,
        release: str,
        *,
        accept_ama_license: bool,
        force: bool,
        progress: bool,
        report: Callable[[str], None] | None,
    ) -> list[Pack]: ...


@attrs.frozen(kw_only=True)
class FetchSource:
    """How one kind of release is found on CMS's site (``codekit data fetch KIND``).

    Either ``names`` gives the candidate file names of a release (tried in order under
    the download folder; the first found is installed), or ``fetch`` downloads and
    installs the release itself; with neither, the kind cannot be fetched and the error
    points to ``page``. ``aliases`` are other kinds the same download installs.
    """

    kind: str
    title: str
    release_help: str
    names: Callable[[str], list[str]] | None = None
    fetch: FetchRelease | None = None
    ama_license: bool = False
    page: str = ""
    aliases: tuple[str, ...] = ()


AMA_NOTICE = (
    "NCCI files contain CPT codes, which are copyrighted by the American Medical Association; "
    "CMS lets you download them only after you accept the AMA licence. Pass "
    "--accept-ama-license (accept_ama_license=True) to confirm that you accept it"
)
