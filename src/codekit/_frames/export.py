"""Installed tables as Arrow tables and Parquet files (``codekit data export``).

The rows come from :func:`codekit._tables.rows.rows` (one release, read in bulk); here they
get the documented schema of their kind (:data:`SCHEMAS`, described in
``docs/dataframes.md``), the release's columns, and the table's provenance as Parquet
key-value metadata. A file is written beside its destination and renamed into place once
complete: a failed export leaves no file, and never half of one.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codekit._tables.rows import Rows, rows
from codekit.exceptions import IntegrationError, InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SCHEMAS", "export_parquet", "export_table"]

_S, _D, _B, _I8, _I32 = "string", "date", "bool", "int8", "int32"
_CODE_SET = (
    ("code_set", _S),
    ("release", _S),
    ("code", _S),
    ("kind", _S),
    ("title", _S),
    ("short_title", _S),
    ("billable", _B),
    ("effective_from", _D),
    ("effective_to", _D),
)
_NCCI = (("release", _S), ("setting", _S), ("program", _S), ("source_file", _S))

#: Each kind's columns and their types, in order (``date`` is Arrow ``date32``; null:
#: none, open-ended).
SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "code_set": _CODE_SET,
    "ncci_ptp": (
        ("column1", _S),
        ("column2", _S),
        ("prior_1996", _B),
        ("effective", _D),
        ("deletion", _D),
        ("modifier_indicator", _I8),
        ("rationale", _S),
        *_NCCI,
    ),
    "ncci_mue": (
        ("code", _S),
        ("mue_value", _I32),
        ("mai", _I8),
        ("mai_text", _S),
        ("rationale", _S),
        *_NCCI,
    ),
    "ncci_aoc": (
        ("add_on", _S),
        ("primary", _S),
        ("aoc_type", _I8),
        ("effective", _D),
        ("deletion", _D),
        ("add_on_deletion", _D),
        ("primary_deletion", _D),
        ("notes", _S),
        *_NCCI,
    ),
    "crosswalk": (
        ("crosswalk", _S),
        ("release", _S),
        ("source", _S),
        ("target", _S),
        ("flags", _S),
        ("approximate", _B),
        ("no_map", _B),
        ("combination", _B),
        ("scenario", _I8),
        ("choice_list", _I8),
    ),
}

_EPOCH = dt.date(1970, 1, 1).toordinal()
_BATCH = 200_000  # rows per Parquet row group, and per progress report


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise IntegrationError(
            "exporting tables needs pyarrow: pip install 'codekit[arrow]'"
        ) from exc
    return pa


def _constant(found: Rows, name: str) -> str | None:
    info = found.release
    if name in ("code_set", "crosswalk"):
        return info.code_set
    if name == "release":
        return info.release
    if name == "source_file":
        return info.source_file or None
    return info.attributes.get(name)


def _column(pa: Any, found: Rows, name: str, kind: str) -> Any:
    types = {_S: pa.string(), _D: pa.date32(), _B: pa.bool_(), _I8: pa.int8(), _I32: pa.int32()}
    if name not in found.columns:
        return pa.array([_constant(found, name)] * len(found), type=types[kind])
    values = found.columns[name]
    if kind == _D:
        import numpy as np

        days = np.asarray(values, dtype=np.int64)
        return pa.array(days - _EPOCH, type=pa.int32(), mask=days == 0).cast(pa.date32())
    return pa.array(values, type=types[kind])


def _table(found: Rows) -> Any:
    pa = _pyarrow()
    layout = SCHEMAS.get(found.kind, SCHEMAS["code_set"])
    info = found.release
    metadata = {
        "codekit.kind": found.kind,
        "codekit.table": info.code_set,
        "codekit.release": info.release,
        "codekit.effective": info.effective.isoformat(),
        "codekit.last_day": "" if found.last_day is None else found.last_day.isoformat(),
        "codekit.source": info.source,
        "codekit.source_file": info.source_file,
        "codekit.licence": info.licence,
        **{f"codekit.{key}": value for key, value in info.attributes.items()},
    }
    arrays = [_column(pa, found, name, kind) for name, kind in layout]
    fields = [(name, array.type) for (name, _), array in zip(layout, arrays, strict=True)]
    schema = pa.schema(fields)
    return pa.Table.from_arrays(arrays, schema=schema.with_metadata(metadata))


def _rows(
    kind: str,
    release: str | None,
    as_of: dt.date | str | None,
    setting: str | None,
    program: str | None,
) -> Rows:
    from codekit import _registry
    from codekit._dates import to_date

    if not isinstance(kind, str):
        raise InvalidValueError(
            "kind", kind, f"the table to export is a name such as 'ptp', not {kind!r}"
        )
    if release is not None and not isinstance(release, str):
        raise InvalidValueError(
            "release", release, f"release is a release id such as 'FY2026', not {release!r}"
        )
    facets = {}
    for name, value in (("setting", setting), ("program", program)):
        if value is not None:
            if not isinstance(value, str):
                raise InvalidValueError(name, value, f"{name} is a name, not {value!r}")
            facets[name] = value.strip().lower()
    day = None if as_of is None else to_date(as_of, "as_of")
    return rows(_registry.current(), kind, release=release, as_of=day, **facets)


def export_table(
    kind: str,
    *,
    release: str | None = None,
    as_of: dt.date | str | None = None,
    setting: str | None = None,
    program: str | None = None,
) -> Any:
    """Every row of one installed table's release as a ``pyarrow.Table``.

    :param kind: a code set (``"icd10cm"``, ``"hcpcs"``), an NCCI table (``"ptp"``,
        ``"mue"``, ``"aoc"``) or a crosswalk (``"icd9cm>icd10cm"``); ``codekit releases``
        lists them.
    :param release: a release id; default: the release in force on ``as_of``, else the
        newest.
    :param setting: an NCCI table's setting (``practitioner``, ``outpatient_hospital``,
        ``dme``), needed when several are installed.
    :param program: an NCCI table's program (``medicare``, ``medicaid``).
    :returns: the columns of :data:`SCHEMAS` for the kind, with the release's provenance in
        the schema metadata (``codekit.release``, ``codekit.source_file``...).
    """
    return _table(_rows(kind, release, as_of, setting, program))


def export_parquet(
    kind: str,
    path: str | os.PathLike[str],
    *,
    release: str | None = None,
    as_of: dt.date | str | None = None,
    setting: str | None = None,
    program: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write :func:`export_table`'s table to a Parquet file at ``path``; returns the path.

    The file is written beside ``path`` and renamed into place when complete: a failure
    leaves neither a file nor a part of one. ``progress`` is called with a line of text as
    the rows are read and written.
    """
    if not isinstance(path, str | os.PathLike):
        raise IntegrationError(f"the Parquet file must be a path, not {type(path).__name__}")
    target = Path(path)
    try:
        if target.is_dir():
            raise IntegrationError(f"{target} is a folder: give the Parquet file's name")
        if not target.parent.is_dir():
            raise IntegrationError(
                f"no folder {target.parent} to write {target.name} in: create it"
            )
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise IntegrationError(f"cannot write a file named {str(target)[:80]!r}: {exc}") from exc
    note = progress or (lambda line: None)
    note(f"reading {kind}")
    found = _rows(kind, release, as_of, setting, program)
    info = found.release
    note(f"read {len(found):,} rows of {info.code_set} {info.release}")
    table = _table(found)
    import pyarrow.parquet as pq

    aside = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with pq.ParquetWriter(aside, table.schema, compression="zstd") as writer:
            for start in range(0, max(len(table), 1), _BATCH):
                writer.write_table(table.slice(start, _BATCH), row_group_size=_BATCH)
                done = min(start + _BATCH, len(table))
                note(f"wrote {done:,} of {len(table):,} rows")
        aside.replace(target)
    except OSError as exc:
        aside.unlink(missing_ok=True)
        raise IntegrationError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return target
