"""The rows of an ``.xlsx`` workbook's first sheet (CMS ships HCPCS, PTP, MUE and AOC so).

Needs ``openpyxl`` (``pip install 'codekit[xlsx]'``). A workbook is a zip: callers check it
with :func:`codekit._read.archive.check_archive` before it gets here (the importers do).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
from typing import TYPE_CHECKING, Any

from codekit._read.fields import check_cell
from codekit.exceptions import DataFileError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["cell_text", "open_sheet", "row_cells", "sheet_rows"]


def cell_text(value: Any) -> str:
    """A cell as CMS's text files write it: ``""`` for empty, whole floats without ``.0``,
    dates as ``YYYYMMDD``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row_cells(row: tuple[Any, ...], where: str, number: int, *, strip: bool = True) -> list[str]:
    """A row's cells as text (stripped unless ``strip`` is false), refused if any holds a
    control character."""
    cells = [cell_text(value) for value in row]
    if strip:
        cells = [cell.strip() for cell in cells]
    check_cell("\t".join(cells), where, number)
    return cells


def _unreadable(where: str, exc: BaseException) -> DataFileError:
    return DataFileError(where, f"is not a readable .xlsx workbook ({exc}); download it again")


@contextlib.contextmanager
def open_sheet(source: Path | bytes, where: str) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The first sheet's rows (tuples of cell values), the workbook closed on exit."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DataFileError(
            where, "reading .xlsx needs openpyxl: pip install 'codekit[xlsx]'"
        ) from exc
    book_source = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # CMS's print headers are not parseable; harmless
            book = openpyxl.load_workbook(book_source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise _unreadable(where, exc) from exc

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if not book.worksheets:
                    return
                yield from (tuple(r) for r in book.worksheets[0].iter_rows(values_only=True))
        except Exception as exc:  # a sheet whose XML breaks half-way
            raise _unreadable(where, exc) from exc

    try:
        yield rows()
    finally:
        book.close()


def sheet_rows(source: Path | bytes, where: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, cell values)`` of every row of the first sheet, from 1."""
    with open_sheet(source, where) as rows:
        yield from enumerate(rows, 1)
