"""``codekit search TEXT`` (autocomplete-style search) and ``codekit suggest CASE-TEXT``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from codekit._cli.output import print_json, print_table

if TYPE_CHECKING:
    import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = subparsers.add_parser(
        "search",
        help="search codes by words, abbreviations or a code prefix",
        description="Ranked codes for TEXT: a code prefix (E11., e119, J11), words that may be "
        "prefixes (diab neuropath), abbreviations (htn, copd) or lay terms (broken wrist).",
    )
    search.add_argument("text", nargs="+", help="what to search for")
    _common(search)
    search.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
    search.add_argument("--billable", action="store_true", help="only billable codes")
    search.set_defaults(handler=_search)

    suggest = subparsers.add_parser(
        "suggest",
        help="suggest codes for a free-text case description",
        description="Codes for the findings of CASE-TEXT ('-' reads standard input), with the "
        "words each rests on; negated findings ('denies chest pain') are left out.",
    )
    suggest.add_argument("text", nargs="+", metavar="case-text", help="the case text, or -")
    _common(suggest)
    suggest.set_defaults(handler=_suggest)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--code-set",
        action="append",
        dest="code_sets",
        help="only this code set (repeatable): icd10cm, icd10pcs, hcpcs, ...",
    )
    parser.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses the releases)")
    parser.add_argument(
        "--limit", type=int, default=10, help="how many results (default 10; search: at most "
        "10,000, suggest: at most 1,000)"
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON")


def _search(args: argparse.Namespace) -> int:
    from codekit._search import search

    results = search(
        " ".join(args.text),
        code_sets=args.code_sets,
        limit=args.limit,
        billable_only=args.billable,
        as_of=args.as_of,
        offset=args.offset,
    )
    if args.json:
        print_json(results.to_dict())
        return 0
    for word, fixed in results.corrections.items():
        print(f"(searched {word!r} as {' or '.join(fixed)})", file=sys.stderr)
    if not results:
        print("no codes found", file=sys.stderr)
        return 1
    rows = [
        (hit.code, hit.code_set, "yes" if hit.billable else "", hit.description, hit.why())
        for hit in results
    ]
    print_table(rows, ("code", "code set", "billable", "description", "matched"))
    if results.has_more:
        print(f"(more: --offset {results.next_offset})", file=sys.stderr)
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from codekit._search import suggest

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    found = suggest(text, code_sets=args.code_sets, limit=args.limit, as_of=args.as_of)
    if args.json:
        print_json(found.to_dict())
        return 0
    for negated in found.negated_text():
        print(f"(negated, not coded: {negated!r})", file=sys.stderr)
    if not found:
        print("no codes suggested", file=sys.stderr)
        return 1
    rows = [(s.code, s.code_set, s.description, s.evidence) for s in found]
    print_table(rows, ("code", "code set", "description", "evidence"))
    return 0
