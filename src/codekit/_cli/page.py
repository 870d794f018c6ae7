"""``codekit page``: everything known about one code (the code page)."""

from __future__ import annotations

import argparse

from codekit._cli.output import print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    page = subparsers.add_parser(
        "page", help="everything known about one code: descriptions, history, crosswalks, NCCI"
    )
    page.add_argument("code", help="the code, in any spelling (E11.9, 0628t)")
    page.add_argument("--code-set", help="icd10cm, icd10pcs, hcpcs, modifier, cpt, pos, icd9cm")
    page.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses release and tables)")
    page.add_argument("--json", action="store_true", help="print JSON")
    page.set_defaults(handler=_page)


def _page(args: argparse.Namespace) -> int:
    from codekit._pages.page import page

    found = page(args.code, code_set=args.code_set, as_of=args.as_of)
    if args.json:
        print_json(found.to_dict())
        return 0
    release = f" {found.release}" if found.release else ""
    print(f"{found.code}  {found.description or ''}".rstrip())
    print(f"  code set: {found.code_set_title}{release}")
    for description in found.descriptions:
        print(f"  {description.kind} ({description.source}): {description.text}")
    elsewhere = [m for m in found.missing if m not in {p.message for p in found.parts}]
    for message in elsewhere:
        print(f"  not installed: {message}")
    for key, value in found.info.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    if found.hierarchy:
        print("  hierarchy: " + " > ".join(h.code for h in found.hierarchy))
    for kind, texts in found.notes.items():
        print(f"  {kind.replace('_', ' ')}:")
        for text in texts:
            print(f"    - {text}")
    for part in found.parts:
        print(f"  {part.title}:")
        if part.message and (not part.available or not part.rows):
            print(f"    {part.message}")
        for row in part.rows:
            print("    " + ", ".join(f"{k}={v}" for k, v in row.items() if v not in (None, "")))
    return 0
