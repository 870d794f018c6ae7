"""The installed ICD-10-CM Alphabetic Index pack, read for search: index terms by code
(the pack is written by :mod:`codekit._importers.icd10cm.alphabetic_index`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from codekit import _registry
from codekit._importers.icd10cm.alphabetic_index import KIND

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from codekit._store.packs import Pack

__all__ = ["index_terms"]


def _pack_for(release: str, effective: dt.date | None) -> Pack | None:
    """The installed index pack of an ICD-10-CM release: the same fiscal year, else the
    newest one in force on the release's first day."""
    from codekit._store.packs import list_packs

    packs = list_packs(KIND)
    same = [p for p in packs if p.release == release[:6]]
    if same:
        return same[-1]
    if effective is None:
        return None
    earlier = [p for p in packs if p.effective <= effective]
    return max(earlier, key=lambda p: p.effective) if earlier else None


#: The registry's memo of the terms read (see ``Registry.memo``): a pack installed or
#: removed rebuilds the registry, and with it this memo.
_TERMS = ("search alphabetic index terms",)


def index_terms(release: str, effective: dt.date | None) -> tuple[str, Mapping[str, list[str]]]:
    """(identity, terms by code) of the index pack for an ICD-10-CM release (``("", {})``
    when none is installed). The identity changes with the pack's content."""
    memo: dict[tuple[str, dt.date | None], tuple[str, Mapping[str, list[str]]]]
    memo = _registry.current().memo(_TERMS, dict)
    key = (release, effective)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _read(release, effective)
    return found


def _read(release: str, effective: dt.date | None) -> tuple[str, Mapping[str, list[str]]]:
    pack = _pack_for(release, effective)
    if pack is None:
        return "", {}
    try:
        raw = json.loads((pack.path / "terms.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "", {}
    terms = raw.get("terms") if isinstance(raw, dict) else None
    if not isinstance(terms, dict):
        return "", {}
    identity = json.dumps(pack.manifest.get("files", pack.release), sort_keys=True, default=str)
    return f"{pack.release}:{identity}", terms
