"""``codekit check FILE.json|FILE.csv``: NCCI PTP, MUE and add-on code edits on claims.

A JSON file holds one claim (the mapping :meth:`codekit.Claim.from_dict` reads) or a list of
them; a CSV file has one row per line with the claim and line keys as columns (``modifiers``
separated by spaces or commas; rows grouped into claims by ``claim_id``; a claim's
``diagnoses`` column and each line's ``diagnosis_pointers`` likewise). Files are UTF-8.
Besides the NCCI edits, every code, modifier and diagnosis is checked for validity on its date
of service (``--no-code-validity`` leaves that out).

Exit code 1 when any line is denied; 3 when no line is denied but an edit could not run
because its table is not installed for a claim's date, setting or program (the report names
what is missing; ``--allow-unverified`` accepts such claims with exit code 0); 0 otherwise
(warnings and add-on codes whose contractor-defined primaries cannot be verified do not fail).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from codekit._cli.output import print_json, print_table
from codekit.exceptions import InvalidClaimError

#: Exit code of a check that could not run for want of tables (``main``'s data failure code).
EXIT_UNVERIFIED = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser(
        "check", help="check claims against the NCCI PTP, MUE and add-on code edits"
    )
    check.add_argument(
        "file", help="claims as JSON (one claim or a list) or CSV (one row per line)"
    )
    check.add_argument(
        "--setting",
        default="practitioner",
        help="practitioner (also ASC), outpatient_hospital or dme (default practitioner; "
        "a claim's own setting wins)",
    )
    check.add_argument("--as-of", help="use the tables in force on this date YYYY-MM-DD")
    check.add_argument(
        "--column1-modifier",
        action="store_true",
        help="policy: a PTP-associated modifier on the column 1 line also bypasses",
    )
    check.add_argument(
        "--no-code-validity",
        action="store_true",
        help="policy: do not check that codes, modifiers and diagnoses are valid on the date",
    )
    check.add_argument(
        "--allow-unverified",
        action="store_true",
        help="exit 0 even when an edit could not run because its NCCI table is not installed",
    )
    check.add_argument("--json", action="store_true", help="print the reports as JSON")
    check.set_defaults(handler=_check)


def _read(path: Path) -> list[Any]:
    from codekit._edits.claim import Claim

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidClaimError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = content[: exc.start].count(b"\n") + 1
        raise InvalidClaimError(
            f"{path.name} is not UTF-8 text (byte {content[exc.start]:#04x} on line {at}); "
            "save the file as UTF-8 and run the check again"
        ) from None
    if path.suffix.lower() == ".csv":
        claims: dict[str, dict[str, Any]] = {}
        claim_keys = (
            "claim_id",
            "beneficiary_id",
            "provider_id",
            "setting",
            "program",
            "diagnoses",
        )
        for number, raw in enumerate(csv.DictReader(text.splitlines()), 1):
            row = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items() if k}
            data = claims.setdefault(
                row.get("claim_id", ""),
                {k: row[k] for k in claim_keys if row.get(k)} | {"lines": []},
            )
            line = {k: v for k, v in row.items() if k not in claim_keys and v not in ("", None)}
            line.setdefault("line_id", str(number))
            data["lines"].append(line)
        return [Claim.from_dict(data) for data in claims.values()]
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidClaimError(f"{path.name} is not valid JSON: {exc}") from exc
    items = data if isinstance(data, list) else [data]
    return [Claim.from_dict(item) for item in items]


def _check(args: argparse.Namespace) -> int:
    import attrs

    from codekit._edits.ncci import policy as _policy
    from codekit._edits.ncci.engine import check_claim

    policy = attrs.evolve(
        _policy.DEFAULT_POLICY,
        column1_modifier_bypasses=args.column1_modifier,
        validate_codes=_policy.DEFAULT_POLICY.validate_codes and not args.no_code_validity,
    )
    reports = [
        check_claim(claim, setting=args.setting, as_of=args.as_of, policy=policy)
        for claim in _read(Path(args.file))
    ]
    if args.json:
        print_json([report.to_dict() for report in reports])
    else:
        for report in reports:
            verdict = "DENIED" if report.denied else report.verdict
            print(f"claim {report.claim_id or '(no id)'}: {verdict}")
            rows = [
                (
                    f.kind.upper(),
                    f.severity,
                    ",".join(f.line_ids),
                    ",".join(f.codes),
                    f.carc or "",
                    f.message,
                )
                for f in report.findings
            ]
            if rows:
                print_table(rows, ("edit", "severity", "lines", "codes", "CARC", "why"))
    if any(report.denied for report in reports):
        return 1
    unverified = [report for report in reports if not report.verified]
    if unverified and not args.allow_unverified:
        print(
            f"codekit: {len(unverified)} claim(s) could not be fully checked: the NCCI tables "
            "named above are not installed; install them, or pass --allow-unverified to accept "
            "unchecked claims",
            file=sys.stderr,
        )
        return EXIT_UNVERIFIED
    return 0
