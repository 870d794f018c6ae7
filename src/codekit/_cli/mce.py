"""``codekit mce FILE.json``: the Medicare Code Editor over institutional claims.

The JSON file holds one claim (the mapping :meth:`codekit.InstitutionalClaim.from_dict`
reads) or a list of them, in UTF-8. ``--version v42`` runs a chosen MCE version instead of
the one in force on each discharge date. Exit code 1 when an edit denies a claim, 3 when no
MCE version covers a claim's discharge date, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from codekit._cli.output import print_json, print_table
from codekit.exceptions import InvalidClaimError

#: Exit code of a claim no MCE version covers (``main``'s data failure code).
EXIT_UNVERIFIED = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mce = subparsers.add_parser(
        "mce", help="run the Medicare Code Editor over inpatient (institutional) claims"
    )
    mce.add_argument("file", help="claims as JSON (one claim or a list)")
    mce.add_argument("--version", help="the MCE version to run, such as v42 (default: by date)")
    mce.add_argument("--json", action="store_true", help="print the reports as JSON")
    mce.set_defaults(handler=_mce)


def _read(path: Path) -> list[Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidClaimError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise InvalidClaimError(
            f"{path.name} is not UTF-8 text; save the file as UTF-8 and run again"
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidClaimError(f"{path.name} is not valid JSON: {exc}") from None
    return data if isinstance(data, list) else [data]


def _mce(args: argparse.Namespace) -> int:
    from codekit._edits.mce.engine import check_institutional_claims

    reports = check_institutional_claims(_read(Path(args.file)), version=args.version)
    if args.json:
        print_json([report.to_dict() for report in reports])
    else:
        for report in reports:
            print(f"claim {report.claim_id or '(no id)'}: {report.verdict}")
            rows = [
                (f.rule, f.severity, ",".join(f.line_ids), ",".join(f.codes), f.message)
                for f in report.findings
            ]
            if rows:
                print_table(rows, ("edit", "severity", "where", "codes", "why"))
    if any(report.denied for report in reports):
        return 1
    if not all(report.verified for report in reports):
        print(
            "codekit: a claim's discharge date is outside every MCE version; pass --version "
            "to run one anyway",
            file=sys.stderr,
        )
        return EXIT_UNVERIFIED
    return 0
