"""The rows of one release of a table, read in bulk: what ``codekit data export`` writes.

:func:`rows` picks a release through the registry (by id, by date of service, or the newest,
as every other question does) and reads all of its rows at once from the release's own
store: one query for a code-set release (:meth:`~codekit.plugins.CodeSource.records`), the
memory-mapped arrays of an NCCI table as whole arrays, a crosswalk's rows from its table in
memory. The result is plain columns (numpy arrays and lists), one name per column, so that
this layer needs neither pandas nor pyarrow; :mod:`codekit._frames.export` types them.

Columns by kind (``release`` and the table's name are in :attr:`Rows.release`):

* a code set: ``code``, ``kind``, ``title``, ``short_title``, ``billable``,
  ``effective_from``, ``effective_to`` (the item's own bounds where the store has them,
  else the release's period as the one rule reads it);
* ``ncci_ptp``: ``column1``, ``column2``, ``prior_1996``, ``effective``, ``deletion``,
  ``modifier_indicator``, ``rationale``;
* ``ncci_mue``: ``code``, ``mue_value``, ``mai``, ``mai_text``, ``rationale``;
* ``ncci_aoc``: ``add_on``, ``primary``, ``aoc_type``, ``effective``, ``deletion``,
  ``add_on_deletion``, ``primary_deletion``, ``notes``;
* ``crosswalk``: ``source``, ``target``, ``flags`` (CMS's five GEM digits), ``approximate``,
  ``no_map``, ``combination``, ``scenario``, ``choice_list``.

Dates are day ordinals (:meth:`datetime.date.toordinal`) in ``int32`` arrays, ``0`` where
there is none (open-ended), and named in :attr:`Rows.dates`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from codekit._tables import rule
from codekit._tables.release import CODE_SET
from codekit.exceptions import DataError, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from codekit._tables.registry import Registry
    from codekit._tables.release import Release
    from codekit.models import DataRelease

__all__ = ["NCCI_KINDS", "Rows", "resolve", "rows"]

#: The NCCI table kinds and the short names ``codekit data export`` takes for them.
NCCI_KINDS = {"ptp": "ncci_ptp", "mue": "ncci_mue", "aoc": "ncci_aoc"}
_CROSSWALK = "crosswalk"
_OPEN = 2**31 - 1  # an NCCI table's "no deletion date" (its format's documented sentinel)


@attrs.frozen
class Rows:
    """Every row of one release, as columns of equal length."""

    release: DataRelease
    #: The registry kind of the table (``"code_set"``, ``"ncci_ptp"``, ``"crosswalk"``...).
    kind: str
    columns: Mapping[str, Any]
    #: The columns holding day ordinals (``0``: no date).
    dates: frozenset[str] = frozenset()
    #: The last day of the release by the one rule (``None``: open-ended).
    last_day: dt.date | None = None

    def __len__(self) -> int:
        first = next(iter(self.columns.values()), ())
        return len(first)


def resolve(registry: Registry, kind: str) -> tuple[str, str | None]:
    """The registry kind and table name of what ``codekit data export KIND`` names.

    ``kind`` is a code set (``icd10cm``), an NCCI table (``ptp``, ``mue``, ``aoc`` or
    ``ncci_ptp``...) or a crosswalk (``icd9cm>icd10cm``, as ``codekit releases`` lists).
    """
    text = str(kind).strip().lower()
    if text in NCCI_KINDS:
        return NCCI_KINDS[text], None
    if text in NCCI_KINDS.values():
        return text, None
    if registry.tables(CODE_SET, text):
        return CODE_SET, text
    if registry.tables(_CROSSWALK, text):
        return _CROSSWALK, text
    known = sorted(
        {r.info.code_set for r in registry.tables(CODE_SET)}
        | {r.info.code_set for r in registry.tables(_CROSSWALK)}
        | set(NCCI_KINDS)
    )
    raise UnknownReleaseError(
        text,
        f"nothing to export is named {kind!r}: give a code set, an NCCI table (ptp, mue, "
        f"aoc) or a crosswalk; installed: {', '.join(known)}",
        known,
    )


def rows(
    registry: Registry,
    kind: str,
    *,
    release: str | None = None,
    as_of: dt.date | None = None,
    **facets: str,
) -> Rows:
    """Every row of the release of ``kind`` asked for (see :func:`resolve` for the names).

    :param release: a release id (``FY2026``, ``2026Q3-practitioner``); default: the one in
        force on ``as_of``, else the newest.
    :param facets: an NCCI table's ``setting`` and ``program``.
    :raises UnknownReleaseError: nothing of that name, or no such release.
    """
    table_kind, name = resolve(registry, kind)
    if table_kind in NCCI_KINDS.values() and not registry.tables(table_kind, table_kind, **facets):
        what = _facet_text(facets)
        installed = [
            f"{r.info.release} ({_facet_text(r.info.attributes)})"
            for r in registry.tables(table_kind)
        ]
        raise UnknownReleaseError(
            table_kind,
            f"no {table_kind} table{' for ' + what if what else ''} is installed"
            + (f"; installed: {'; '.join(installed)}" if installed else "")
            + "; install one with `codekit data install FILE`",
            [r.info.release for r in registry.tables(table_kind)],
        )
    chosen = registry.select_table(
        table_kind, name=name or table_kind, as_of=as_of, release=release, **facets
    )
    releases = registry.tables(table_kind, chosen.info.code_set, **facets)
    last_day = dict(zip(releases, rule.ends(releases), strict=True)).get(chosen)
    reader = _READERS[table_kind if table_kind in _READERS else CODE_SET]
    columns, dates = reader(registry, chosen, last_day)
    return Rows(chosen.info, table_kind, columns, frozenset(dates), last_day)


def _facet_text(facets: Mapping[str, str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(facets.items()))


# -- readers, one per storage -------------------------------------------------------------


def _ordinal(text: str | None, default: dt.date | None) -> int:
    if text:
        try:
            return dt.date.fromisoformat(text).toordinal()
        except ValueError:
            pass
    return 0 if default is None else default.toordinal()


def _code_set(
    registry: Registry, release: Release, last_day: dt.date | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    import numpy as np

    del registry
    codes: list[str] = []
    kinds: list[str] = []
    titles: list[str | None] = []
    shorts: list[str | None] = []
    billable: list[bool] = []
    starts: list[int] = []
    ends: list[int] = []
    first = release.info.effective
    for record in release.open().records():
        codes.append(record.code)
        kinds.append(str(record.kind))
        titles.append(record.description or None)
        shorts.append(record.short_description or None)
        billable.append(bool(record.billable))
        starts.append(_ordinal(record.start, first))
        ends.append(_ordinal(record.end, last_day))
    columns = {
        "code": codes,
        "kind": kinds,
        "title": titles,
        "short_title": shorts,
        "billable": np.asarray(billable, dtype=bool),
        "effective_from": np.asarray(starts, dtype=np.int32),
        "effective_to": np.asarray(ends, dtype=np.int32),
    }
    return columns, ("effective_from", "effective_to")


def _codes_of(values: Any) -> list[str]:
    """NCCI's stored codes as text (5-character codes stored as base-36 integers: see
    :mod:`codekit._edits.codes`), decoded as whole arrays."""
    from codekit._edits.codes import decode_many

    try:
        return decode_many(values)
    except ValueError as exc:
        message = f"an NCCI table holds a value that is no code ({exc}); reinstall it"
        raise DataError(message) from exc


def _days(values: Any) -> Any:
    """Stored day ordinals with NCCI's open-ended sentinel as ``0``."""
    import numpy as np

    days = np.asarray(values, dtype=np.int64)
    return np.where(days == _OPEN, 0, days).astype(np.int32)


def _texts(index: Any, texts: list[str]) -> list[str | None]:
    import numpy as np

    table = np.array([t or None for t in texts] or [None], dtype=object)
    positions = np.asarray(index, dtype=np.int64)
    if len(positions) and (positions.max() >= len(texts) or positions.min() < 0):
        raise DataError("an NCCI table indexes a text it does not hold; reinstall it")
    return list(table[positions]) if len(positions) else []


def _ptp(
    registry: Registry, release: Release, last_day: dt.date | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    import numpy as np

    del registry, last_day
    table = release.source()
    key = np.asarray(table.key, dtype=np.uint64)
    columns = {
        "column1": _codes_of(key >> np.uint64(32)),
        "column2": _codes_of(key & np.uint64((1 << 32) - 1)),
        "prior_1996": np.asarray(table.prior_1996, dtype=bool),
        "effective": _days(table.effective),
        "deletion": _days(table.deletion),
        "modifier_indicator": np.asarray(table.indicator, dtype=np.int8),
        "rationale": _texts(table.rationale, list(table.meta["rationales"])),
    }
    return columns, ("effective", "deletion")


def _mue(
    registry: Registry, release: Release, last_day: dt.date | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    import numpy as np

    del registry, last_day
    table = release.source()
    columns = {
        "code": _codes_of(table.code),
        "mue_value": np.asarray(table.value, dtype=np.int32),
        "mai": np.asarray(table.mai, dtype=np.int8),
        "mai_text": _texts(table.mai_text, list(table.meta["mai_texts"])),
        "rationale": _texts(table.rationale, list(table.meta["rationales"])),
    }
    return columns, ()


def _aoc(
    registry: Registry, release: Release, last_day: dt.date | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    import numpy as np

    del registry, last_day
    table = release.source()
    dates = ("effective", "deletion", "add_on_deletion", "primary_deletion")
    columns = {
        "add_on": _codes_of(table.add_on),
        "primary": _codes_of(table.primary),
        "aoc_type": np.asarray(table.type, dtype=np.int8),
        **{name: _days(getattr(table, name)) for name in dates},
        "notes": _texts(table.notes, list(table.meta["notes"])),
    }
    return columns, dates


def _crosswalk(
    registry: Registry, release: Release, last_day: dt.date | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    import numpy as np

    del last_day
    spec = release.spec
    table = release.source()

    def spelling(code_set: str) -> Callable[[str], str]:
        try:
            parse = registry.spec(code_set).parse
        except LookupError:
            return lambda code: code
        return lambda code: parse(code, None) or code

    source_of, target_of = spelling(spec.source), spelling(spec.target)
    sources: list[str] = []
    targets: list[str | None] = []
    flags: list[int] = []
    for source in table.sources():
        shown = source_of(source)
        for target, flag, _ in table.get(source):
            sources.append(shown)
            targets.append(None if target is None else target_of(target))
            flags.append(int(flag))
    digits = np.asarray(flags, dtype=np.int64)
    columns = {
        "source": sources,
        "target": targets,
        "flags": [f"{f:05d}" for f in flags],
        "approximate": (digits // 10000) % 10 == 1,
        "no_map": (digits // 1000) % 10 == 1,
        "combination": (digits // 100) % 10 == 1,
        "scenario": ((digits // 10) % 10).astype(np.int8),
        "choice_list": (digits % 10).astype(np.int8),
    }
    return columns, ()


_READERS: dict[str, Callable[[Registry, Release, dt.date | None], Any]] = {
    CODE_SET: _code_set,
    "ncci_ptp": _ptp,
    "ncci_mue": _mue,
    "ncci_aoc": _aoc,
    _CROSSWALK: _crosswalk,
}
