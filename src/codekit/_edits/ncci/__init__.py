"""The NCCI edit engine: PTP, MUE and add-on code (AOC) edits over CMS's quarterly tables.

What any claim edit shares lives one level up, in :mod:`codekit._edits` (``fields``,
``claim``, ``finding``, ``codes``). Here: ``frame`` (reading a DataFrame of lines into
arrays), ``lines`` (those arrays and the findings DataFrame), ``model`` (the public values,
gathered), ``rules`` (every rule, written once for both paths: date boundaries, PTP-associated
modifiers, the PTP, MUE and AOC verdicts, CARC hints), one module per edit holding the
single-claim path and the array path over those rules (``ptp``, ``mue``, ``aoc``,
``validity``; ``pairs`` finds a frame's line pairs), ``engine`` (one claim) and ``batch`` (a
DataFrame of lines) running them in NCCI's order, ``selection`` (the tables in force),
``questions`` (per-code questions), ``edits`` (the table rows they answer), ``policy``
(documented options, plugin-supplied primaries), ``tables`` (codekit's on-disk format),
``store`` (installed tables), ``formats``/``readers``/``rows``/``filenames``/``importers``/
``fetch`` (CMS's files), ``synthetic`` (CMS-layout files for tests and benchmarks).
"""
