"""``codekit lookup`` and ``codekit releases``."""

from __future__ import annotations

import argparse

from codekit._cli.output import print_json, print_table


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lookup = subparsers.add_parser("lookup", help="describe one code")
    lookup.add_argument("code", help="the code, in any spelling (E11.9, e119, J1100)")
    lookup.add_argument("--code-set", help="icd10cm, icd10pcs, hcpcs, modifier, cpt, pos, icd9cm")
    lookup.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses the release)")
    lookup.add_argument("--release", help="a release id such as FY2024")
    lookup.add_argument("--json", action="store_true", help="print JSON")
    lookup.set_defaults(handler=_lookup)

    releases = subparsers.add_parser("releases", help="list the data releases available")
    releases.add_argument("--code-set", help="only this code set")
    releases.add_argument("--json", action="store_true", help="print JSON")
    releases.set_defaults(handler=_releases)


def _lookup(args: argparse.Namespace) -> int:
    from codekit._lookup import lookup

    code = lookup(args.code, code_set=args.code_set, as_of=args.as_of, release=args.release)
    if args.json:
        print_json(code.to_dict())
        return 0
    print(f"{code.code}  {code.description or '(no title packaged)'}")
    carried = code.title_release if code.title_release != code.release else None
    details = [
        ("code set", f"{code.code_set} {code.release}"),
        ("title from", carried),
        ("kind", code.kind + (" (billable)" if code.billable else "")),
        ("short", code.short_description),
        ("parent", code.parent),
    ]
    for label, value in details:
        if value:
            print(f"  {label}: {value}")
    if not code.description:
        from codekit.exceptions import MissingTitleError

        hint = MissingTitleError(code.code, code_set=code.code_set, release=code.release)
        print(f"  note: {hint}")
    for kind, texts in code.notes.items():
        print(f"  {kind.replace('_', ' ')}:")
        for text in texts:
            print(f"    - {text}")
    for name, value in code.attributes.items():
        print(f"  {name.replace('_', ' ')}: {value}")
    return 0


def _releases(args: argparse.Namespace) -> int:
    from codekit._convert import converter
    from codekit._lookup import data_releases

    releases = data_releases(args.code_set)
    if args.json:
        print_json([converter.unstructure(r) for r in releases])
        return 0
    rows = [
        (
            r.code_set,
            r.release,
            r.effective.isoformat(),
            r.until.isoformat() if r.until else "",
            r.origin,
            r.source,
        )
        for r in releases
    ]
    print_table(rows, ("code set", "release", "effective", "until", "origin", "source"))
    return 0
