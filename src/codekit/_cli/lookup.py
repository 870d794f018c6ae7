"""``codekit lookup`` (``codekit releases`` lives in :mod:`codekit._cli.releases`)."""

from __future__ import annotations

import argparse

from codekit._cli.output import print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lookup = subparsers.add_parser("lookup", help="describe one code")
    lookup.add_argument("code", help="the code, in any spelling (E11.9, e119, J1100)")
    lookup.add_argument("--code-set", help="icd10cm, icd10pcs, hcpcs, modifier, cpt, pos, icd9cm")
    lookup.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses the release)")
    lookup.add_argument("--release", help="a release id such as FY2024")
    lookup.add_argument("--json", action="store_true", help="print JSON")
    lookup.set_defaults(handler=_lookup)


def _lookup(args: argparse.Namespace) -> int:
    from codekit._lookup import lookup

    code = lookup(args.code, code_set=args.code_set, as_of=args.as_of, release=args.release)
    if args.json:
        print_json(code.to_dict())
        return 0
    print(f"{code.code}  {code.description}")
    details = [
        ("code set", f"{code.code_set} {code.release}"),
        ("kind", code.kind + (" (billable)" if code.billable else "")),
        ("short", code.short_description),
        ("parent", code.parent),
    ]
    for label, value in details:
        if value:
            print(f"  {label}: {value}")
    for kind, texts in code.notes.items():
        print(f"  {kind.replace('_', ' ')}:")
        for text in texts:
            print(f"    - {text}")
    for name, value in code.attributes.items():
        print(f"  {name.replace('_', ' ')}: {value}")
    return 0
