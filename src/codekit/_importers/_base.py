"""The importer contract's values (see :mod:`codekit._importers`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._store.packs import Pack

__all__ = ["Detection", "Importer"]


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
    """One kind of official file (see the module docstring for the contract)."""

    @property
    def name(self) -> str:
        """Unique name of the importer (groups detections)."""
        ...

    def detect(self, path: Path) -> Detection | None: ...

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]: ...
