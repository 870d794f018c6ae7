"""``codekit lookup`` (``codekit releases`` lives in :mod:`codekit._cli.releases`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from codekit._cli.output import cli_message, print_json, report, say
from codekit.exceptions import AmbiguousCodeError, CodekitError

if TYPE_CHECKING:
    from codekit.models import Code

#: What ``--kind`` accepts (the column a code comes from), as ``kind=`` in Python.
KIND_CHOICES = ("diagnosis", "procedure", "modifier", "place_of_service")
CODE_SET_HELP = (
    "the code set: icd10cm, icd10pcs, hcpcs, modifier, cpt, pos, icd9cm (identified from "
    "what exists if omitted; repeat to name several candidates)"
)
KIND_HELP = "what the code is: " + ", ".join(KIND_CHOICES) + " (narrows the candidates)"


def add_identity_options(parser: argparse.ArgumentParser) -> None:
    """``--code-set`` (repeatable) and ``--kind``: what a code is, when its shape is not enough."""
    parser.add_argument("--code-set", action="append", metavar="NAME", help=CODE_SET_HELP)
    parser.add_argument("--kind", choices=KIND_CHOICES, help=KIND_HELP)


def identity(args: argparse.Namespace) -> dict[str, object]:
    """The keyword arguments of the Python API for ``--code-set`` and ``--kind``."""
    names = args.code_set or []
    if len(names) == 1:
        return {"code_set": names[0], "kind": args.kind}
    return {"code_sets": names or None, "kind": args.kind}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lookup = subparsers.add_parser(
        "lookup",
        help="describe one code",
        description="Describe one code. When it is a code of several code sets, every entry "
        "is listed.",
    )
    lookup.add_argument("code", help="the code, in any spelling (E11.9, e119, J1100)")
    add_identity_options(lookup)
    lookup.add_argument("--as-of", help="date of service YYYY-MM-DD (chooses the release)")
    lookup.add_argument("--release", help="a release id such as FY2024")
    lookup.add_argument("--json", action="store_true", help="print JSON")
    lookup.set_defaults(handler=_lookup)


def _lookup(args: argparse.Namespace) -> int:
    from codekit._lookup import lookup

    when = {"as_of": args.as_of, "release": args.release}
    return show_every_reading(
        args,
        lambda **which: lookup(args.code, **which, **when),
        _print,
    )


class _Entry(Protocol):
    @property
    def code_set(self) -> str: ...

    def to_dict(self) -> Any: ...


_E = TypeVar("_E", bound=_Entry)


def show_every_reading(
    args: argparse.Namespace, fetch: Callable[..., _E], show: Callable[[_E], None]
) -> int:
    """Fetch the entry ``--code-set``/``--kind`` name and show it; when the code is a code of
    several code sets, fetch and show each one instead of failing (``lookup`` and ``page``).
    """
    problems: list[tuple[str, CodekitError]] = []
    try:
        found = [fetch(**identity(args))]
    except AmbiguousCodeError as ambiguous:
        found = []
        for name in ambiguous.candidates:
            try:
                found.append(fetch(code_set=name))
            except CodekitError as failed:
                problems.append((name, failed))
        if not found:
            return report(ambiguous)
    except CodekitError as exc:
        return report(exc)
    if args.json:
        entries = [entry.to_dict() for entry in found]
        print_json(entries[0] if len(entries) == 1 and not problems else entries)
        return 0
    if len(found) + len(problems) > 1:
        names = ", ".join([e.code_set for e in found] + [name for name, _ in problems])
        say(f"{args.code!r} fits {len(found) + len(problems)} code sets ({names}); pass --code-set")
    for index, entry in enumerate(found):
        if index:
            say("")
        show(entry)
    for name, problem in problems:
        say(f"({name}: {cli_message(problem)})")
    return 0


def _print(code: Code) -> None:
    say(f"{code.code}  {code.description or '(no title packaged)'}")
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
            say(f"  {label}: {value}")
    if not code.description:
        from codekit._lookup import missing_title

        say(f"  note: {missing_title(code)}")
    for kind, texts in code.notes.items():
        say(f"  {kind.replace('_', ' ')}:")
        for text in texts:
            say(f"    - {text}")
    for name, value in code.attributes.items():
        say(f"  {name.replace('_', ' ')}: {value}")
