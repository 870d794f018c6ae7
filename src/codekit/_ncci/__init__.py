"""The NCCI edit engine: PTP, MUE and add-on code (AOC) edits over CMS's quarterly tables.

Rooms: ``model`` (public values), ``rules`` (the date boundary rule, PTP-associated modifiers,
CARC hints: the NCCI semantics that are data, in one place), ``codes`` (codes as integers),
``formats`` (reading CMS's files), ``tables`` (codekit's on-disk format and loading),
``importers`` (data packs), ``engine`` (one claim, per-code questions), ``batch``
(a DataFrame of lines), ``policy`` (documented options and plugin-supplied primaries).
"""
