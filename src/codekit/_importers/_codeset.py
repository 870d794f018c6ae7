"""Writing a code-set pack: one dataset in codekit's format, a single release at bit 0."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from codekit._store.packs import Pack, install_pack, list_packs
from codekit._store.sqlite import Item, Note, write_dataset

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

__all__ = ["DATASET", "already_installed", "install_code_set", "item"]

#: The dataset file inside every code-set pack.
DATASET = "codes.sqlite"
LICENCE = "Public domain (US government work, CMS)"


def item(
    code: str,
    description: str,
    *,
    seq: int,
    short: str | None = None,
    billable: bool = True,
    kind: str = "code",
    parent: str | None = None,
    parent_kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> Item:
    """One dataset row of a single-release pack (``present=1``, ``billable=1/0``)."""
    return Item(
        code=code,
        kind=kind,
        description=description,
        short=short,
        parent=parent,
        parent_kind=parent_kind,
        present=1,
        billable=1 if billable else 0,
        seq=seq,
        start=start,
        end=end,
        attrs=json.dumps(dict(attrs), sort_keys=True, ensure_ascii=False) if attrs else None,
    )


def already_installed(kinds: Sequence[str], release: str, force: bool) -> list[Pack] | None:
    """The installed packs of ``release`` for every kind, or ``None`` if one is missing
    (or ``force``): lets an importer skip parsing when there is nothing to do."""
    if force:
        return None
    found = []
    for kind in kinds:
        match = [p for p in list_packs(kind) if p.release == release and p.path.name == release]
        if not match:
            return None
        found.append(match[0])
    return found


def install_code_set(
    code_set: str,
    release: str,
    *,
    effective: dt.date,
    until: dt.date | None,
    items: Sequence[Item],
    notes: Iterable[Note] = (),
    sources: Sequence[Path],
    source: str,
    force: bool,
    extra: Mapping[str, Any] | None = None,
) -> Pack:
    """Install one code-set pack (kind = code set) holding ``items``."""

    def build(folder: Path) -> Mapping[str, Any]:
        write_dataset(
            folder / DATASET,
            meta={"code_set": code_set, "release": release, "bits": {release: 0}},
            items=items,
            notes=notes,
        )
        return {
            "code_set": code_set,
            "file": DATASET,
            "rows": len(items),
            "billable": sum(1 for i in items if i.billable),
            "source": source,
            "licence": LICENCE,
            **(extra or {}),
        }

    return install_pack(
        code_set,
        release,
        effective=effective,
        until=until,
        build=build,
        sources=sources,
        force=force,
    )
