"""HCPCS Level II + modifiers (placeholder, filled in next)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._importers._base import Detection
    from codekit._store.packs import Pack


class _Order:
    name = "icd10cm"

    def detect(self, path: Path) -> Detection | None:
        return None

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        return []


ICD10CM_ORDER = _Order()
ICD10CM_ADDENDA = _Order()
