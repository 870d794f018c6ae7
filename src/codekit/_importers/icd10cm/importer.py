"""The ICD-10-CM importers (order files, addenda) and where CMS publishes the order file
(``codekit data fetch icd10cm``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._importers._base import Detection, FetchSource
from codekit._importers._codeset import already_installed, install_code_set, item
from codekit._importers.icd10cm.addenda import (
    ADDENDA_LINE,
    ADDENDA_NAME,
    SOURCE_ADDENDA,
    apply_changes,
    parse_addenda,
)
from codekit._importers.icd10cm.alphabetic_index import CM_INDEX
from codekit._importers.icd10cm.hierarchy import base_release, enrich, hierarchy_base, may_derive
from codekit._importers.icd10cm.order import (
    LICENCE,
    ORDER_LINE,
    ORDER_NAME,
    SOURCE_ORDER,
    april_update,
    dotted,
    fiscal_detection,
    fiscal_period,
    fiscal_release,
    order_items,
    parse_order,
)
from codekit._read.text import head_lines
from codekit.exceptions import DataFileError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._store.packs import Pack
    from codekit._store.sqlite import Note

__all__ = [
    "FETCH_SOURCES",
    "FILES",
    "ICD10CM_ADDENDA",
    "ICD10CM_ORDER",
    "IMPORTERS",
]


class _OrderImporter:
    """ICD-10-CM order files (see :mod:`codekit._importers.icd10cm`)."""

    name = "icd10cm_order"

    def detect(self, path: Path) -> Detection | None:
        found = ORDER_NAME.search(path.name)
        if found is None or found["set"].lower() != "cm":
            return None
        head = head_lines(path, 4096)
        if not head or ORDER_LINE.fullmatch(head[0]) is None:
            raise DataFileError(path.name, "is named like an order file but its lines are not")
        year = int(found["year"])
        return fiscal_detection(self.name, "icd10cm", path, year, "ICD-10-CM order file")

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        packs = []
        for found in detections:
            april = april_update(found.origin)
            year = int(found.release[2:6])
            release = f"FY{year}-APR" if april else f"FY{year}"
            effective, until = fiscal_period(year, april)
            done = already_installed(("icd10cm",), release, force)
            if done is not None:
                packs.extend(done)
                continue
            entries, stats = parse_order(found.path)
            rows = order_items(entries)
            notes: list[Note] = []
            base = hierarchy_base(effective)
            extra: dict[str, Any] = {}
            if base is not None:
                rows, notes = enrich(rows, base[1])
                extra["hierarchy_from"] = f"{base[0].release} ({base[0].origin})"
            packs.append(
                install_code_set(
                    "icd10cm",
                    release,
                    effective=effective,
                    until=until,
                    items=rows,
                    notes=notes,
                    sources=[found.path],
                    source=SOURCE_ORDER,
                    force=force,
                    extra={
                        "parse": stats,
                        "source_names": [found.origin],
                        "licence": LICENCE,
                        **extra,
                    },
                )
            )
        return packs


class _AddendaImporter:
    """ICD-10-CM code-description addenda (see :mod:`codekit._importers.icd10cm`)."""

    name = "icd10cm_addenda"

    def detect(self, path: Path) -> Detection | None:
        found = ADDENDA_NAME.search(path.name)
        if found is None:
            return None
        head = [line for line in head_lines(path, 4096) if line.strip()]
        if not head or ADDENDA_LINE.fullmatch(head[0].rstrip()) is None:
            raise DataFileError(path.name, "is named like an addenda file but its lines are not")
        year = int(found["year"])
        return fiscal_detection(self.name, "icd10cm_addenda", path, year, "ICD-10-CM code addenda")

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        packs = []
        for found in detections:
            done = already_installed(("icd10cm_addenda",), found.release, force)
            if done is not None:
                packs.extend(done)
                continue
            changes, stats = parse_addenda(found.path)
            year = int(found.release[2:])
            rows = [
                item(
                    dotted(c.code),
                    c.description,
                    seq=seq,
                    billable=c.action != "delete",
                    attrs={"action": c.action, **({"previous": c.previous} if c.previous else {})},
                )
                for seq, c in enumerate(changes)
            ]
            extra = {"parse": stats, "source_names": [found.origin], "licence": LICENCE}
            packs.append(
                install_code_set(
                    "icd10cm_addenda",
                    found.release,
                    effective=found.effective,
                    until=found.until,
                    items=rows,
                    sources=[found.path],
                    source=SOURCE_ADDENDA,
                    force=force,
                    extra={**extra, "code_set": None},
                )
            )
            if may_derive(found.release, force):
                base = base_release(year)
                if base is not None:
                    info, source = base
                    derived, derived_notes = apply_changes(source, changes)
                    packs.append(
                        install_code_set(
                            "icd10cm",
                            found.release,
                            effective=found.effective,
                            until=found.until,
                            items=derived,
                            notes=derived_notes,
                            sources=[found.path],
                            source=f"{SOURCE_ADDENDA} applied to {info.release} ({info.origin})",
                            force=force,
                            extra=extra,
                        )
                    )
        return packs


ICD10CM_ORDER = _OrderImporter()
ICD10CM_ADDENDA = _AddendaImporter()

#: Declared for :mod:`codekit._importers._discover`.
IMPORTERS = (ICD10CM_ORDER, ICD10CM_ADDENDA, CM_INDEX)
FILES = (
    "ICD-10-CM icd10cm_order_yyyy.txt, code addenda and the Alphabetic Index XML "
    "(icd10cm_index_yyyy.xml, eindex, drug, neoplasm)"
)


def download_names(release: str) -> list[str]:
    """CMS's file name of an ICD-10-CM release: ``2026-code-descriptions-tabular-order.zip``
    (the April update with an ``april-1-`` prefix)."""
    year, april = fiscal_release(release)
    prefix = "april-1-" if april else ""
    return [f"{prefix}{year}-code-descriptions-tabular-order.zip"]


FETCH_SOURCES = (
    FetchSource(
        kind="icd10cm",
        title="ICD-10-CM",
        release_help="FY2026 or FY2026-APR",
        names=download_names,
    ),
)
