"""HCPCS Level II + modifiers (placeholder, filled in next)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._importers._base import Detection
    from codekit._store.packs import Pack


class _Hcpcs:
    name = "hcpcs"

    def detect(self, path: Path) -> Detection | None:
        return None

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        return []


HCPCS = _Hcpcs()
