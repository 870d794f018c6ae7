"""Registers the packaged crosswalks (``data/crosswalk-*.manifest.json``) and GEM packs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._crosswalk._table import CrosswalkTable, load_part
from codekit._crosswalk._values import CrosswalkSpec
from codekit._store import packaged
from codekit._store.sqlite import Dataset
from codekit.models import DataRelease, Origin
from codekit.plugins import Registrar, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

#: The data-pack kind of installed CMS GEM files (see ``codekit._crosswalk.importer``).
GEM_PACK_KIND = "gem"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def register_dataset(
    registrar: Registrar, manifest: dict[str, Any], data: Dataset, origin: Origin
) -> None:
    """Register every crosswalk release a dataset's manifest lists."""
    for part in manifest["crosswalks"]:
        spec = CrosswalkSpec(
            name=part["name"],
            source=part["source_code_set"],
            target=part["target_code_set"],
            title=part.get("title", ""),
            gem=bool(part.get("gem", False)),
        )
        for rel in part["releases"]:
            effective = _date(rel["effective"])
            assert effective is not None
            release = DataRelease(
                code_set=f"{spec.source}>{spec.name}",
                release=rel["release"],
                effective=effective,
                until=_date(rel.get("until")),
                origin=origin,
                source=rel.get("source", ""),
                source_file=rel.get("source_file", ""),
                sha256=rel.get("sha256", ""),
                licence=rel.get("licence", ""),
                rows=int(rel.get("rows", 0)),
                kind="crosswalk",
            )
            registrar.add_crosswalk(
                spec, release, source=_loader(data, int(part["part"]), int(rel["bit"]))
            )


def _loader(data: Dataset, part: int, bit: int) -> Any:
    def load() -> CrosswalkTable:
        return load_part(data, part, bit)

    return load


def _installed() -> list[tuple[dict[str, Any], Path, str]]:
    try:
        from codekit._store.packs import list_packs
    except ImportError:  # pragma: no cover - packs layer not available
        return []
    found = []
    for pack in list_packs(GEM_PACK_KIND):
        manifest = dict(pack.manifest)
        if "crosswalks" in manifest and "file" in manifest:
            found.append((manifest, pack.path / manifest["file"], pack.release))
    return found


def _constant(path: Path) -> Callable[[], Path]:
    return lambda: path


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for manifest in packaged.manifests():
        if manifest.get("kind") == "crosswalk":
            register_dataset(registrar, manifest, packaged.dataset(manifest["file"]), "packaged")
    for manifest, path, release in _installed():
        data = Dataset(_constant(path), f"GEM pack {release}")
        register_dataset(registrar, manifest, data, "pack")
