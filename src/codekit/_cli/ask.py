"""``codekit ask "QUESTION"``: a coder's question answered from the data, with citations."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from codekit._cli.output import print_json

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_UNANSWERED = 0, 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="answer a coding question from the data, citing every statement",
        description="Answers questions such as 'What is E11.9?', 'Can 0001U and 0029U be "
        "billed together on 3/1/2026?', 'How many units of J1100 per day?' or 'ICD-10 for "
        "type 2 diabetes with neuropathy' in sentences, each followed by its citation "
        "number. Exits 1 when the question could not be answered (the answer says what "
        "data is missing).",
    )
    ask.add_argument(
        "question", nargs="+", help="the question (quote it, or write it bare); - reads stdin"
    )
    ask.add_argument("--as-of", help="date of service YYYY-MM-DD when the question names none")
    ask.add_argument(
        "--setting",
        help="practitioner, outpatient_hospital or dme when the question names none",
    )
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(handler=_ask)


def _ask(args: argparse.Namespace) -> int:
    from codekit._assistant import ask

    question = " ".join(args.question)
    if question == "-":
        question = sys.stdin.read()
    answer = ask(question, as_of=args.as_of, setting=args.setting)
    if args.json:
        print_json(answer.to_dict())
    else:
        print(str(answer))
    if answer.answered:
        return EXIT_OK
    print("codekit: the question could not be fully answered (see the answer)", file=sys.stderr)
    return EXIT_UNANSWERED
