"""codekit's on-disk format for NCCI tables, and loading it (the install-time writers are
in :mod:`codekit._edits.ncci.write`).

A table is a folder of ``.npy`` arrays written once at install time plus ``table.json``
(what the table is and the small string lists the arrays index into). Nothing is parsed
at load: arrays are memory-mapped, so opening a 1.2-million-row PTP table costs a few
file opens and only the pages a lookup touches are read.

PTP (sorted by pair key, then effective date): ``key`` uint64 = column 1 << 32 | column 2
(codes as base-36 integers, see :mod:`codekit._edits.codes`), ``effective``/``deletion``
int32 day ordinals (``*`` = :data:`~codekit._edits.ncci.rules.OPEN`), ``indicator`` uint8,
``rationale`` uint8 (index into ``table.json``), ``prior_1996`` uint8, ``part`` uint8.
The same pair may appear several times with different dates: rows are keyed by pair *and*
effective interval.

MUE (sorted by code): ``code`` uint32, ``value`` int32, ``mai`` uint8, ``rationale`` uint16.

AOC (sorted by add-on code, primary): ``add_on``/``primary`` uint32, ``type`` uint8,
``effective``/``deletion``/``add_on_deletion``/``primary_deletion`` int32, ``notes`` uint16.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codekit._edits import codes as _codes
from codekit._edits.ncci.rules import in_force
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FORMAT",
    "AocTable",
    "MueTable",
    "PtpTable",
    "open_table",
    "read_meta",
]

#: the on-disk format :func:`read_meta` accepts and :mod:`~codekit._edits.ncci.write` writes
FORMAT = 1
META = "table.json"
_CONTRACTOR = _codes.encode("CCCCC")


class _Table:
    """Arrays of one table, memory-mapped on first access."""

    NAMES: tuple[str, ...] = ()

    def __init__(self, path: Path, meta: Mapping[str, Any]) -> None:
        self.path = path
        self.meta = meta
        self._lock = threading.Lock()

    def _load(self, name: str) -> Any:
        import numpy as np

        try:
            mapped = np.load(self.path / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            # a plain ndarray view of the map: numpy.memmap's own indexing is slow
            return mapped.view(np.ndarray)
        except (OSError, ValueError) as exc:
            raise DataError(
                f"NCCI table {self.path} is damaged ({name}.npy: {exc}); reinstall it with "
                "`codekit data install FILE --force`"
            ) from exc

    def __getattr__(self, name: str) -> Any:
        if name not in type(self).NAMES:
            raise AttributeError(name)
        with self._lock:
            value = self.__dict__.get(name)
            if value is None:
                value = self._load(name)
                self.__dict__[name] = value
        return value

    def __len__(self) -> int:
        return int(self.meta.get("rows", 0))


class PtpTable(_Table):
    """A loaded PTP table."""

    NAMES = ("key", "effective", "deletion", "indicator", "rationale", "prior_1996", "part")
    #: Column 1 codes whose partners are kept as dictionaries (the per-claim path's cache).
    CACHE = 8192

    def __init__(self, path: Path, meta: Mapping[str, Any]) -> None:
        super().__init__(path, meta)
        #: :meth:`partners` of the column 1 codes read so far (the per-claim path reads it
        #: first: a dictionary probe instead of a method call per code)
        self.partners_cache: dict[int, dict[int, tuple[tuple[int, int, int, int, str], ...]]] = {}
        #: the per-claim path's finding fields by ``(row, date of service, bypass modifier)``
        self.findings_cache: dict[tuple[int, Any, str | None], dict[str, Any]] = {}

    def partners(self, column1: int) -> dict[int, tuple[tuple[int, int, int, int, str], ...]]:
        """``column 2 -> ((row, effective, deletion, indicator, rationale), ...)`` of one
        column 1 code.

        Read from the sorted keys on first use and cached (a bounded number of codes), so a
        claim's pairs are dictionary look-ups.
        """
        found = self.partners_cache.get(column1)
        if found is not None:
            return found
        import numpy as np

        keys = self.key
        low = int(keys.searchsorted(np.uint64(column1 << 32)))
        high = int(keys.searchsorted(np.uint64((column1 + 1) << 32)))
        found = {}
        if high > low:
            rationales = self.meta["rationales"]
            columns = zip(
                range(low, high),
                (keys[low:high] & np.uint64(0xFFFFFFFF)).tolist(),
                self.effective[low:high].tolist(),
                self.deletion[low:high].tolist(),
                self.indicator[low:high].tolist(),
                [rationales[i] for i in self.rationale[low:high].tolist()],
                strict=True,
            )
            grouped: dict[int, list[tuple[int, int, int, int, str]]] = {}
            for row, column2, effective, deletion, indicator, why in columns:
                grouped.setdefault(column2, []).append((row, effective, deletion, indicator, why))
            found = {column2: tuple(rows) for column2, rows in grouped.items()}
        if len(self.partners_cache) >= self.CACHE:
            self.partners_cache.clear()
        self.partners_cache[column1] = found
        return found

    def rows_for(self, key: int) -> range:
        """The row numbers of one pair key (empty when the pair has no edit)."""
        import numpy as np

        keys = self.key
        start = int(np.searchsorted(keys, np.uint64(key), side="left"))
        stop = int(np.searchsorted(keys, np.uint64(key), side="right"))
        return range(start, stop)


class MueTable(_Table):
    """A loaded MUE table: each code's limit read from the sorted codes on first use."""

    NAMES = ("code", "value", "mai", "rationale", "mai_text")

    def __init__(self, path: Path, meta: Mapping[str, Any]) -> None:
        super().__init__(path, meta)
        self._by_code: dict[int, tuple[int, int, int]] | None = None
        #: :meth:`limit` of the codes asked so far (``None``: no MUE row)
        self.limits: dict[int, tuple[int, int, int] | None] = {}
        #: the per-claim path's finding fields by ``(row, units, date of service)``
        self.findings_cache: dict[tuple[int, int, Any], dict[str, Any]] = {}

    def limit(self, code: int) -> tuple[int, int, int] | None:
        """``(value, mai, row)`` of one code, ``None`` when the table has no row for it.

        Read from the sorted ``code`` array and remembered (a bounded number of codes):
        only the codes claims ask about are held in memory, not the whole table.
        """
        found = self.limits.get(code, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        import numpy as np

        codes = self.code
        at = int(codes.searchsorted(np.uint32(code))) if 0 <= code < 1 << 32 else len(codes)
        found = None
        if at < len(codes) and int(codes[at]) == code:
            found = (int(self.value[at]), int(self.mai[at]), at)
        if len(self.limits) >= 65536:
            self.limits.clear()
        self.limits[code] = found
        return found

    def by_code(self) -> dict[int, tuple[int, int, int]]:
        """``code int -> (value, mai, row)`` of every row (the checks use :meth:`limit`)."""
        found = self._by_code
        if found is None:
            code, value, mai = self.code.tolist(), self.value.tolist(), self.mai.tolist()
            found = {c: (v, m, i) for i, (c, v, m) in enumerate(zip(code, value, mai, strict=True))}
            self._by_code = found
        return found


class AocTable(_Table):
    """A loaded AOC table: each add-on code's rows read from the sorted arrays on first use."""

    NAMES = (
        "add_on",
        "primary",
        "type",
        "effective",
        "deletion",
        "add_on_deletion",
        "primary_deletion",
        "notes",
    )

    def __init__(self, path: Path, meta: Mapping[str, Any]) -> None:
        super().__init__(path, meta)
        self._by_add_on: dict[int, list[tuple[int, int, int, int, int, int, int]]] | None = None
        self._add_ons: frozenset[int] | None = None
        self._rows_of: dict[int, list[tuple[int, int, int, int, int, int, int]]] = {}
        self._rules: dict[
            tuple[int, int],
            tuple[int, frozenset[int], list[tuple[int, int, int, int, int, int, int]]] | None,
        ] = {}
        #: per add-on, the days on which its rule may change (see :meth:`rule_on`)
        self._bounds: dict[int, list[int]] = {}
        #: the per-claim path's finding fields by ``(add-on, date of service, verdict)``
        self.findings_cache: dict[tuple[int, Any, int], dict[str, Any]] = {}
        self._spans: dict[
            tuple[int, int],
            tuple[int, frozenset[int], list[tuple[int, int, int, int, int, int, int]]] | None,
        ] = {}

    def rule_on(
        self, add_on: int, day: int
    ) -> tuple[int, frozenset[int], list[tuple[int, int, int, int, int, int, int]]] | None:
        """The AOC rule of an add-on code on a day: its type, the listed primaries not deleted
        then (``CCCCC`` left out) and the rows in force; ``None`` when no edit applies.

        Cached per code and day (a bounded number). The rule only changes on the days a row
        comes into force, leaves it or its primary is deleted, so days between two such
        bounds share one computed rule.
        """
        key = (add_on, day)
        cache = self._rules
        if key in cache:
            return cache[key]
        rows = self.rows_of(add_on)
        bounds = self._bounds.get(add_on)
        if bounds is None:
            bounds = sorted({b for r in rows for b in (r[2], min(r[3], r[4]) + 1, r[5] + 1)})
            self._bounds[add_on] = bounds
        span = (add_on, bisect_right(bounds, day))
        if span in self._spans:
            found = self._spans[span]
        else:
            active = [r for r in rows if in_force(r[2], min(r[3], r[4]), day)]
            found = None
            if active:
                kind = min(r[0] for r in active)
                listed = frozenset(r[1] for r in active if r[1] != _CONTRACTOR and day <= r[5])
                found = (kind, listed, active)
            if len(self._spans) >= 65536:
                self._spans.clear()
            self._spans[span] = found
        if len(cache) >= 65536:
            cache.clear()
        cache[key] = found
        return found

    def add_ons(self) -> frozenset[int]:
        """The add-on codes the table has rows for."""
        found = self._add_ons
        if found is None:
            import numpy as np

            # the rows are sorted by add-on code: each code's first row starts where the code
            # changes (np.unique would import numpy.ma, ~30 ms, on a process's first claim)
            codes = self.add_on
            first = np.ones(len(codes), dtype=bool)
            np.not_equal(codes[1:], codes[:-1], out=first[1:])
            found = self._add_ons = frozenset(codes[first].tolist())
        return found

    def rows_of(self, add_on: int) -> list[tuple[int, int, int, int, int, int, int]]:
        """The rows of one add-on code as :meth:`by_add_on` lists them (empty for a code
        that is not an add-on), read from the sorted arrays and remembered."""
        found = self._rows_of.get(add_on)
        if found is not None:
            return found
        found = []
        if add_on in self.add_ons():
            import numpy as np

            codes = self.add_on
            low = int(codes.searchsorted(np.uint32(add_on)))
            high = int(codes.searchsorted(np.uint32(add_on), side="right"))
            columns = zip(
                self.type[low:high].tolist(),
                self.primary[low:high].tolist(),
                self.effective[low:high].tolist(),
                self.deletion[low:high].tolist(),
                self.add_on_deletion[low:high].tolist(),
                self.primary_deletion[low:high].tolist(),
                range(low, high),
                strict=True,
            )
            found = list(columns)
        if len(self._rows_of) >= 65536:
            self._rows_of.clear()
        self._rows_of[add_on] = found
        return found

    def by_add_on(self) -> dict[int, list[tuple[int, int, int, int, int, int, int]]]:
        """``add-on -> [(type, primary, effective, deletion, add-on del., primary del., row)]``
        of every row (the checks use :meth:`add_ons` and :meth:`rows_of`)."""
        found = self._by_add_on
        if found is None:
            found = {}
            columns = zip(
                self.add_on.tolist(),
                self.type.tolist(),
                self.primary.tolist(),
                self.effective.tolist(),
                self.deletion.tolist(),
                self.add_on_deletion.tolist(),
                self.primary_deletion.tolist(),
                strict=True,
            )
            for row, (add_on, *rest) in enumerate(columns):
                found.setdefault(add_on, []).append((*rest, row))
            self._by_add_on = found
        return found


_UNSEEN = object()

_KINDS: dict[str, type[_Table]] = {"ptp": PtpTable, "mue": MueTable, "aoc": AocTable}


def read_meta(path: Path) -> dict[str, Any]:
    """The ``table.json`` of a table folder."""
    try:
        meta: dict[str, Any] = json.loads((path / META).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not an NCCI table folder ({exc})") from exc
    if meta.get("format") != FORMAT:
        raise DataError(
            f"{path} is in NCCI table format {meta.get('format')!r}; this codekit reads "
            f"format {FORMAT}: reinstall the pack with `codekit data install FILE --force`"
        )
    return meta


def open_table(path: Path) -> PtpTable | MueTable | AocTable:
    """Open a table folder (reads ``table.json`` only)."""
    meta = read_meta(path)
    cls = _KINDS.get(str(meta.get("table")))
    if cls is None:
        raise DataError(f"{path} holds an unknown NCCI table {meta.get('table')!r}")
    return cls(path, meta)  # type: ignore[return-value]
