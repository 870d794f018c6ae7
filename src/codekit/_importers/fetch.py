"""Downloading official releases (filled in next)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from codekit._store.packs import Pack


@attrs.frozen
class Download:
    path: Path
    sha256: str


def download(url: str, folder: Path, *, progress: bool) -> Download:
    raise NotImplementedError


def fetch_release(
    kind: str,
    release: str,
    *,
    accept_ama_license: bool,
    force: bool,
    progress: bool,
    report: Callable[[str], None] | None,
) -> list[Pack]:
    raise NotImplementedError
