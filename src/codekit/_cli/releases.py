"""``codekit releases``: how current the data of every code set is.

For each code set: its newest release (the one a lookup without a date uses), the period
that release is in force, the span all its releases cover, and whether today (or ``--on``)
falls in the newest release's period. ``--check`` exits 1 when one is stale (a retired code
set such as ICD-9-CM is not), so a pipeline can refuse to run on stale data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._cli.output import print_json, print_table

if TYPE_CHECKING:
    import argparse

    from codekit._registry import Release
    from codekit.models import CodeSet, DataRelease

EXIT_OK, EXIT_STALE = 0, 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    releases = subparsers.add_parser(
        "releases",
        help="how current each code set's data is: newest release, its dates, today covered",
        description=(
            "For every code set: the newest release, the dates it covers and whether today "
            "is among them. A date of service after the newest release's end is answered "
            "from it with a StaleDataWarning."
        ),
    )
    releases.add_argument("--code-set", help="only this code set (icd10cm, hcpcs, ...)")
    releases.add_argument("--on", help="the day to check instead of today (YYYY-MM-DD)")
    releases.add_argument("--all", action="store_true", help="list every release, not the newest")
    releases.add_argument(
        "--check", action="store_true", help="exit 1 when a code set's data does not cover the day"
    )
    releases.add_argument("--json", action="store_true", help="print JSON")
    releases.set_defaults(handler=_releases)


def _row(code_set: CodeSet, day: dt.date) -> dict[str, Any]:
    from codekit import _registry

    found = _registry.current().newest(code_set.name)
    newest: DataRelease | None = found.info if found is not None else None
    row: dict[str, Any] = {
        "code_set": code_set.name,
        "title": code_set.title,
        "releases": len(code_set.releases),
        "newest": None,
        "origin": None,
        "effective": None,
        "until": None,
        "first": code_set.releases[0].effective if code_set.releases else None,
        "covers": False,
        "status": "no release installed",
    }
    if newest is None:
        return row
    covers = newest.covers(day)
    if covers:
        status = "current"
    elif day < newest.effective:
        status = f"newest release starts {newest.effective.isoformat()}"
    elif _registry.current().spec(code_set.name).retired:
        status = "retired code set: its last release is final"
    else:
        assert newest.until is not None  # a release without an end covers every later day
        status = f"stale: ended {newest.until.isoformat()}, {(day - newest.until).days} days ago"
    row.update(
        newest=newest.release,
        origin=newest.origin,
        effective=newest.effective,
        until=newest.until,
        covers=covers,
        status=status,
    )
    return row


def _is(newest: Release | None, info: DataRelease) -> bool:
    return newest is not None and newest.info is info


def _releases(args: argparse.Namespace) -> int:
    from codekit import _registry
    from codekit._convert import converter
    from codekit._dates import to_date
    from codekit._lookup import code_sets
    from codekit.exceptions import UnknownCodeSetError

    day = to_date(args.on, "--on") if args.on is not None else dt.date.today()
    chosen = [cs for cs in code_sets() if args.code_set in (None, cs.name)]
    if args.code_set is not None and not chosen:
        raise UnknownCodeSetError(str(args.code_set), [cs.name for cs in code_sets()])
    rows = [_row(cs, day) for cs in chosen]
    registry = _registry.current()
    newest = {cs.name: registry.newest(cs.name) for cs in chosen}
    if args.json:  # every release, as ``codekit.data_releases()`` gives them, plus currency
        print_json(
            [
                converter.unstructure(r)
                | {"newest": _is(newest[cs.name], r), "in_force_on": day, "covers": r.covers(day)}
                for cs in chosen
                for r in cs.releases
            ]
        )
    elif args.all:
        print_table(
            [
                (
                    r.code_set,
                    r.release,
                    r.origin,
                    r.effective,
                    r.until or "until superseded",
                    "yes" if r.covers(day) else "",
                    r.source,
                )
                for cs in chosen
                for r in cs.releases
            ],
            ("CODE SET", "RELEASE", "ORIGIN", "FROM", "UNTIL", f"ON {day}", "SOURCE"),
        )
    else:
        print(f"data currency on {day.isoformat()} (`codekit releases --all` lists every release):")
        print_table(
            [
                (
                    r["code_set"],
                    r["newest"] or "-",
                    r["origin"] or "",
                    r["effective"] or "",
                    r["until"] or ("until superseded" if r["newest"] else ""),
                    f"{r['releases']}, from {r['first']}" if r["newest"] else "",
                    r["status"],
                )
                for r in rows
            ],
            ("CODE SET", "NEWEST", "ORIGIN", "FROM", "UNTIL", "RELEASES", "STATUS"),
        )
    stale = [r for r in rows if r["status"].startswith("stale")]
    return EXIT_STALE if args.check and stale else EXIT_OK
