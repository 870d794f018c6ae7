"""Writing a code-set pack: one dataset in codekit's format, a single release at bit 0."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from codekit._store.packs import Pack, install_pack, list_packs
from codekit._store.sqlite import Item, Note, write_dataset
from codekit.exceptions import IncompleteReleaseError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    from codekit.models import DataRelease

__all__ = ["DATASET", "already_installed", "check_complete", "install_code_set", "item"]

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


#: A release holding fewer than this share of the codes of the release it replaces is
#: refused (real releases differ by a few per cent a year; a cut file or an excerpt by far
#: more).
MIN_SHARE = 0.75


def _reference(code_set: str, release: str) -> DataRelease | None:
    """The registered release of the same code set and id (packaged, plugin or pack).

    Only a release of the same id is compared: a new id (the next quarter, a synthetic
    test release) has nothing it replaces, and may rightly hold few codes.
    """
    from codekit import _registry
    from codekit.exceptions import CodekitError

    try:
        infos = [r.info for r in _registry.current().releases(code_set) if r.info.rows > 0]
    except CodekitError:
        return None
    same = [i for i in infos if i.release.upper() == release.upper()]
    return max(same, key=lambda i: i.rows) if same else None


def check_complete(
    code_set: str,
    release: str,
    items: Sequence[Item],
    sources: Sequence[Path],
) -> None:
    """Refuse a release with far fewer billable codes than the release it replaces.

    A truncated download cut at a line end, or an excerpt installed under a complete
    release's name, would otherwise become the release lookups use (a 100-line FY2026
    order file would make ``E11.9`` unknown). Compared: billable codes, the count every
    release (packaged or pack) records as ``rows``.
    """
    reference = _reference(code_set, release)
    if reference is None:
        return
    count = sum(1 for i in items if i.billable)
    if count >= MIN_SHARE * reference.rows:
        return
    name = ", ".join(p.name for p in sources) or code_set
    raise IncompleteReleaseError(
        name,
        f"holds {count:,} {code_set} codes as release {release}, far fewer than the "
        f"{reference.rows:,} of release {reference.release} ({reference.origin}) it would "
        "replace: it looks cut short or an excerpt. Install the complete file, or pass "
        "force=True (--force) to install it anyway; nothing was installed",
        count=count,
        expected=reference.rows,
    )


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
    """Install one code-set pack (kind = code set) holding ``items``.

    Refused (:class:`~codekit.exceptions.IncompleteReleaseError`) when it holds far fewer
    codes than the release it would replace, unless ``force``; see :func:`check_complete`.
    """
    if not force:
        check_complete(code_set, release, items, sources)

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
