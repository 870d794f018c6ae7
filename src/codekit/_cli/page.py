"""``codekit page``: everything known about one code (the code page)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from codekit._cli.lookup import add_identity_options, show_every_reading
from codekit._cli.output import say

if TYPE_CHECKING:
    from codekit._pages.model import CodePage


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    page = subparsers.add_parser(
        "page", help="everything known about one code: descriptions, history, crosswalks, NCCI"
    )
    page.add_argument("code", help="the code, in any spelling (E11.9, 0628t)")
    add_identity_options(page)
    page.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses release and tables)")
    page.add_argument("--json", action="store_true", help="print JSON")
    page.set_defaults(handler=_page)


def _page(args: argparse.Namespace) -> int:
    from codekit._pages.page import page

    return show_every_reading(
        args, lambda **which: page(args.code, **which, as_of=args.as_of), _print
    )


def _print(found: CodePage) -> None:
    release = f" {found.release}" if found.release else ""
    say(f"{found.code}  {found.description or ''}".rstrip())
    say(f"  code set: {found.code_set_title}{release}")
    for description in found.descriptions:
        say(f"  {description.kind} ({description.source}): {description.text}")
    elsewhere = [m for m in found.missing if m not in {p.message for p in found.parts}]
    for message in elsewhere:
        say(f"  not installed: {message}")
    for key, value in found.info.items():
        say(f"  {key.replace('_', ' ')}: {value}")
    if found.hierarchy:
        say("  hierarchy: " + " > ".join(h.code for h in found.hierarchy))
    for kind, texts in found.notes.items():
        say(f"  {kind.replace('_', ' ')}:")
        for text in texts:
            say(f"    - {text}")
    for part in found.parts:  # each rendered by the section that built it
        for line in part.text():
            say(line)
