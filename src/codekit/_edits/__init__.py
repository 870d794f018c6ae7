"""Claim edits: the checks a claim goes through before it is paid.

What every claim edit shares sits here: ``fields`` (reading a claim's fields), ``claim``
(``Claim``/``ClaimLine``), ``finding`` (``Finding``, severities, ``Provenance``,
``EditReport``) and ``codes`` (codes as integers). Each family of edits is a package beside
the others: ``ncci`` (CMS's PTP, MUE and add-on code edits over the quarterly tables) today,
the Medicare Code Editor's institutional edits next.
"""
