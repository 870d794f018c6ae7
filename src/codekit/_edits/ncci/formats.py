"""Reading CMS's NCCI files: PTP ``.txt``/``.xlsx`` parts, MUE ``.csv``/``.xlsx``, AOC.

The names the table builders and tests use, in one place: what file names say
(:mod:`codekit._edits.ncci.filenames`), the rows as columns (:mod:`codekit._edits.ncci.rows`)
and the readers (:mod:`codekit._edits.ncci.readers`, over the shared reading layer
:mod:`codekit._read`).
"""

from __future__ import annotations

from codekit._edits.ncci.filenames import NcciFile, identify, quarter_start
from codekit._edits.ncci.readers import read_aoc, read_mue, read_ptp
from codekit._edits.ncci.rows import AOC_COLUMNS, AocRows, MueRows, PtpRows
from codekit._read.fields import julian

__all__ = [
    "AOC_COLUMNS",
    "AocRows",
    "MueRows",
    "NcciFile",
    "PtpRows",
    "identify",
    "julian",
    "quarter_start",
    "read_aoc",
    "read_mue",
    "read_ptp",
]
