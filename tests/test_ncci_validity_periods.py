"""The batch path's code validity, asked once per release period, equals check_claim's.

Truth: the single-claim path (:func:`codekit.check_claim`, which asks the store on each
line's own date) for every line; CMS's IOCE windows (``ioce_windows``, read from pyoce's
tables) for which CPT numbers and modifiers change on which date, and the genuine CMS 2019
Alpha-Numeric HCPCS file of the corpus (its ADD DT and TERM DT columns) for HCPCS Level II
codes that begin or end on 2019-01-01. The dates are each side of every such edge, of every
release of the code sets asked (including the packaged quarters' end, after which answers
are stale) and of NCCI's modifier-list change.
"""

from __future__ import annotations

import datetime as dt
import random
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

import codekit
from codekit import _registry
from codekit._edits.ncci.rules import PTP_MODIFIERS
from codekit.exceptions import StaleDataWarning

IoceWindows = dict[str, dict[str, list[tuple[dt.date, dt.date]]]]

ONE_DAY = dt.timedelta(days=1)


def _hcpcs_edges(path: Path) -> tuple[list[str], list[str]]:
    """Level II codes the file adds on 2019-01-01, and codes it ends on 2018-12-31 (CMS's
    fixed-width record: code in columns 1-5, ADD DT 269-276, TERM DT 285-292)."""
    added, ended = set(), set()
    with path.open(encoding="latin-1") as lines:
        for line in lines:
            code = line[:5]
            if len(line) < 292 or not code[0].isalpha() or not code[1:].isdigit():
                continue
            if line[268:276] == "20190101":
                added.add(code)
            if line[284:292] == "20181231":
                ended.add(code)
    return sorted(added - ended)[:6], sorted(ended - added)[:6]


def _changing(windows: dict[str, list[tuple[dt.date, dt.date]]], count: int) -> list[str]:
    first = min(a for spans in windows.values() for a, _ in spans)
    last = max(b for spans in windows.values() for _, b in spans)
    moving = sorted(
        c
        for c, spans in windows.items()
        if min(a for a, _ in spans) > first or max(b for _, b in spans) < last or len(spans) > 1
    )
    return random.Random(12).sample(moving, min(count, len(moving)))


def _days(codes: dict[str, list[tuple[dt.date, dt.date]]]) -> list[dt.date]:
    """Each side of every code's window edges, release edges and NCCI's modifier list."""
    edges: set[dt.date] = {dt.date(2019, 1, 1), dt.date(2018, 12, 31)}
    for spans in codes.values():
        for a, b in spans:
            edges |= {a - ONE_DAY, a, b, b + ONE_DAY}
    registry = _registry.current()
    for code_set in ("cpt", "hcpcs", "modifier", "icd10cm"):
        for release in registry.releases(code_set):
            edges |= {release.info.effective - ONE_DAY, release.info.effective}
            if release.info.until is not None:
                edges |= {release.info.until, release.info.until + ONE_DAY}
    for start, _ in PTP_MODIFIERS:
        edges |= {start - ONE_DAY, start}
    edges.add(dt.date(2027, 2, 1))  # stale for every packaged code set
    return sorted(edges)


def _validity_of_claims(claims: list[codekit.Claim]) -> set[tuple[Any, ...]]:
    return {
        (c.claim_id, line, f.codes[0], f.severity, f.rationale, f.provenance.release)
        for c in claims
        for f in codekit.check_claim(c).findings
        if f.kind == "validity"
        for line in f.line_ids
    }


def _validity_of_frame(found: pd.DataFrame) -> set[tuple[Any, ...]]:
    rows = found[found["kind"] == "validity"]
    return set(
        zip(
            rows["claim_id"],
            rows["line_id"],
            rows["code"],
            rows["severity"],
            rows["rationale"],
            rows["release"],
            strict=True,
        )
    )


def test_batch_validity_per_period_equals_check_claim_on_every_edge(
    hcpcs: Path, ioce_windows: IoceWindows
) -> None:
    # room validity: the batch path asks the store once per (value, release period) and
    # judges per side of the code's own dates; check_claim asks on each line's date.
    cpt = {c: ioce_windows["cpt"][c] for c in _changing(ioce_windows["cpt"], 14)}
    modifiers = {m: ioce_windows["modifier"][m] for m in _changing(ioce_windows["modifier"], 4)}
    added, ended = _hcpcs_edges(hcpcs)
    assert added, "the 2019 file adds codes on 2019-01-01"
    assert ended, "the 2019 file ends codes on 2018-12-31"
    days = _days(cpt | modifiers)
    codes = [*cpt, *added, *ended, "J1100", "Z9999"]
    mods = [*modifiers, "59", "25", "51", "QQ", "ZZ"]
    claims = []
    for n, day in enumerate(days):
        lines = [
            {
                "line_id": str(i + 1),
                "code": code,
                "modifiers": [mods[(i + n) % len(mods)]],
                "date_of_service": day.isoformat(),
            }
            for i, code in enumerate(codes)
        ]
        claims.append(
            codekit.Claim.from_dict(
                {
                    "claim_id": f"C{n}",
                    "beneficiary_id": f"B{n}",
                    "diagnoses": ["U07.1", "E11.9", "E11", "XYZ"],
                    "lines": lines,
                }
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleDataWarning)
        expected = _validity_of_claims(claims)
        found = _validity_of_frame(codekit.check_claims(claims))
    assert not found ^ expected, sorted(found ^ expected)[:6]
    # the findings are not vacuous: each kind of reason occurs (but "not in force yet": no
    # release of this data lists a code before its own start date)
    reasons = " ".join(r for *_, r, _ in expected)
    for part in ("was deleted", "is not a", "header code", "not checked", "CPT (Level I)"):
        assert part in reasons, part
    # and the CPT numbers' verdicts follow CMS's IOCE windows where the packaged data answers
    first = min(a for spans in ioce_windows["cpt"].values() for a, _ in spans)
    last = max(b for spans in ioce_windows["cpt"].values() for _, b in spans)
    denied = {(c, line, code) for c, line, code, severity, _, _ in found if severity == "deny"}
    for n, day in enumerate(days):
        if not first <= day <= last:
            continue
        for i, code in enumerate(codes[: len(cpt)]):
            valid = any(a <= day <= b for a, b in cpt[code])
            assert ((f"C{n}", str(i + 1), code) in denied) is not valid, (code, day)


def test_a_batch_warns_once_per_code_set_for_days_after_the_newest_release() -> None:
    # room validity: each distinct (code, day) after 2026-06-30 raised its own
    # StaleDataWarning (about 10k of them for a 200k-line frame over two years).
    days = [dt.date(2026, 7, 1) + dt.timedelta(days=d) for d in range(40)]
    frame = pd.DataFrame(
        {
            "claim_id": [f"C{i}" for i in range(len(days) * 3)],
            "code": ["99213", "99214", "J1100"] * len(days),
            "modifiers": [["25"], [], []] * len(days),
            "date_of_service": [d for d in days for _ in range(3)],
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codekit.check_claims(frame)
    stale = [str(w.message) for w in caught if issubclass(w.category, StaleDataWarning)]
    titles = sorted(message.split(" release covers")[0] for message in stale)
    assert titles == [
        "codekit: no CPT",
        "codekit: no HCPCS Level II",
        "codekit: no HCPCS modifier",
    ], stale
    # the warnings still name a date of the batch, as the per-line path's do
    assert all("2026-07-01" in message for message in stale)
