"""The NCCI values, gathered: claims in (:mod:`~codekit._edits.claim`), findings and reports
out (:mod:`~codekit._edits.finding`), and the table rows the per-code questions answer
(:mod:`~codekit._edits.ncci.edits`).
"""

from __future__ import annotations

from codekit._edits.claim import Claim, ClaimLine
from codekit._edits.fields import Program, Setting, normalize_setting
from codekit._edits.finding import EditKind, EditReport, Finding, Provenance, Severity
from codekit._edits.ncci.edits import AocEdit, MueLimit, PtpEdit

__all__ = [
    "AocEdit",
    "Claim",
    "ClaimLine",
    "EditKind",
    "EditReport",
    "Finding",
    "MueLimit",
    "Program",
    "Provenance",
    "PtpEdit",
    "Setting",
    "Severity",
    "normalize_setting",
]
