"""NCCI edits: the public face of codekit's PTP, MUE and add-on code (AOC) engine.

Check claims with :func:`check_claim` (one claim) or :func:`check_claims` (a DataFrame of
lines), tune the documented options with :class:`Policy`, ask per-code questions with
:func:`ptp_edits`, :func:`mue`, :func:`aoc_edits`, :func:`addon_primaries` and
:func:`addons_of` (the add-on codes of a primary), and install a
quarter's tables from CMS with :func:`fetch` (``codekit data fetch ncci``).

>>> from codekit.ncci import Policy
>>> Policy(column1_modifier_bypasses=True).column1_modifier_bypasses
True

A report is clean only when every edit ran and nothing fired: a claim whose tables are not
installed for its date, setting or program carries an ``unverifiable`` finding per edit kind
not checked (``EditReport.verified`` is then ``False``).
"""

from __future__ import annotations

from codekit._edits.claim import Claim, ClaimLine
from codekit._edits.finding import EditReport, Finding, Provenance
from codekit._edits.ncci.batch import FINDING_COLUMNS, check_claims
from codekit._edits.ncci.edits import AocEdit, MueLimit, PtpEdit
from codekit._edits.ncci.engine import check_claim
from codekit._edits.ncci.fetch import candidates
from codekit._edits.ncci.fetch import fetch_ncci as fetch
from codekit._edits.ncci.policy import DEFAULT_POLICY, Policy
from codekit._edits.ncci.questions import addon_primaries, addons_of, aoc_edits, mue, ptp_edits
from codekit._edits.ncci.rules import PTP_MODIFIERS, ptp_modifiers_on

__all__ = [
    "DEFAULT_POLICY",
    "FINDING_COLUMNS",
    "PTP_MODIFIERS",
    "AocEdit",
    "Claim",
    "ClaimLine",
    "EditReport",
    "Finding",
    "MueLimit",
    "Policy",
    "Provenance",
    "PtpEdit",
    "addon_primaries",
    "addons_of",
    "aoc_edits",
    "candidates",
    "check_claim",
    "check_claims",
    "fetch",
    "mue",
    "ptp_edits",
    "ptp_modifiers_on",
]
