"""The NCCI values, gathered: claims in (:mod:`~codekit._ncci.claim`), findings and reports
out (:mod:`~codekit._ncci.finding`), and the table rows the per-code questions answer
(:mod:`~codekit._ncci.edits`).
"""

from __future__ import annotations

from codekit._ncci.claim import Claim, ClaimLine
from codekit._ncci.edits import AocEdit, MueLimit, PtpEdit
from codekit._ncci.fields import Program, Setting, normalize_setting
from codekit._ncci.finding import EditKind, EditReport, Finding, Provenance, Severity

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
