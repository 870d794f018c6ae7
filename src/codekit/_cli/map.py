"""``codekit map CODE --to TARGET`` (crosswalks) and ``codekit hcc CODE...``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._cli.output import cli_message_text, print_json, print_table, say

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mapper = subparsers.add_parser(
        "map",
        help="map a code through a crosswalk (GEMs, HCC, MS-DRG CC/MCC, CCSR)",
        description="Every target of CODE in the crosswalk TARGET, with the GEM flags.",
    )
    mapper.add_argument("code", nargs="?", help="the code (250.00, E11.9, 81.54)")
    mapper.add_argument(
        "--to", help="icd10cm, icd9cm, icd10pcs, hcc:V28, drg:cc, ccsr ... (--list shows all)"
    )
    mapper.add_argument("--source", help="code set of CODE when TARGET maps from several")
    mapper.add_argument("--as-of", help="date YYYY-MM-DD (chooses the release)")
    mapper.add_argument("--release", help="a release id such as 2018 or FY2026")
    mapper.add_argument("--list", action="store_true", help="list the crosswalks available")
    mapper.add_argument("--json", action="store_true", help="print JSON")
    mapper.set_defaults(handler=_map)

    hcc = subparsers.add_parser("hcc", help="a patient's HCCs after hierarchies")
    hcc.add_argument("codes", nargs="+", help="the patient's ICD-10-CM codes")
    hcc.add_argument("--model", default="V28", help="V28 (default), V24, V22, ESRD_V24, RxHCC")
    hcc.add_argument("--payment-year", type=int, help="payment year (default: newest)")
    hcc.add_argument("--json", action="store_true", help="print JSON")
    hcc.set_defaults(handler=_hcc)


def _map(args: argparse.Namespace) -> int:
    from codekit._crosswalk._api import crosswalk, crosswalks
    from codekit.exceptions import InvalidCodeError

    if args.list:
        rows = [
            (c.name, c.source, c.target, ", ".join(r.release for r in c.releases), c.title)
            for c in crosswalks()
        ]
        if args.json:
            print_json(
                [{"name": r[0], "source": r[1], "target": r[2], "releases": r[3]} for r in rows]
            )
        else:
            print_table(rows, ("to", "from", "target", "releases", "title"))
        return 0
    if not args.code or not args.to:
        raise InvalidCodeError(args.code, "give a CODE and --to TARGET (or --list)")
    found = crosswalk(
        args.code, to=args.to, source=args.source, as_of=args.as_of, release=args.release
    )
    if args.json:
        print_json([m.to_dict() for m in found])
        return 0
    if not found:
        from codekit._crosswalk._api import unmapped_reason

        reason = unmapped_reason(args.code, to=args.to, source=args.source, as_of=args.as_of)
        say(cli_message_text(reason))
        return 1
    first = found[0]
    say(f"{first.source} ({first.source_code_set}) → {first.target_code_set} {first.release}")
    rows = [
        (
            m.target or "(no map)",
            m.flags,
            str(m.scenario or ""),
            str(m.choice_list or ""),
            m.description or _attributes(m.attributes),
        )
        for m in found
    ]
    print_table(rows, ("target", "flags", "scenario", "choice", "description"))
    return 0


def _attributes(attributes: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in attributes.items() if v is not None)


def _hcc(args: argparse.Namespace) -> int:
    from codekit._crosswalk._api import hccs

    found = hccs(args.codes, model=args.model, payment_year=args.payment_year)
    if args.json:
        print_json(
            [
                {
                    "hcc": h.hcc,
                    "label": h.label,
                    "model": h.model,
                    "payment_year": h.payment_year,
                    "diagnoses": list(h.diagnoses),
                }
                for h in found
            ]
        )
        return 0
    print_table(
        [(h.hcc, h.label, " ".join(h.diagnoses)) for h in found], ("hcc", "label", "diagnoses")
    )
    return 0
