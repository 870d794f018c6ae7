"""Reading CMS's release files: the one layer every importer reads and checks through.

Every importer (HCPCS, ICD-10-CM/PCS, GEMs, NCCI PTP/MUE/AOC) reads its files here, so a
file that is not what it claims is refused in the same words everywhere: a
:class:`~codekit.exceptions.MalformedFileError` naming the file and the line (or
spreadsheet row), raised while reading, before anything is installed.

* :mod:`~codekit._read.text`: bytes to lines. CMS text is decoded one way (UTF-8, else
  Windows-1252, where byte 0x85 is an ellipsis, else Latin-1) and split only at ``\\n``
  (never at NEL or another Unicode line break); a file must end with a line end; control
  characters are refused.
* :mod:`~codekit._read.records`: fixed-width fields, columns laid out by a header line,
  delimited (tab, CSV) records with their line numbers.
* :mod:`~codekit._read.sheet`: the rows of an ``.xlsx`` workbook's first sheet, and cell
  text.
* :mod:`~codekit._read.fields`: where a record is (:class:`~codekit._read.fields.At`),
  dates (``YYYYMMDD``, Julian ``YYYYDDD``), keys given once, control characters in cells.
* :mod:`~codekit._read.archive`: zip archives (and workbooks, which are zips) with limits
  on sizes, ratios, encryption and compression methods, checked before a byte is extracted.
* :mod:`~codekit._read.download`: fetching a file over HTTP(S) with retries, resume and a
  checksum.

These modules import nothing from codekit but its exceptions: every capability's importer
may use them without an import cycle. Importing this package reads nothing.
"""
