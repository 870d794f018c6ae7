"""``codekit data``: install, list, remove, verify and fetch data packs."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from codekit._cli.output import print_json, print_table

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from codekit._store.packs import Pack

EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    data = subparsers.add_parser(
        "data",
        help="install and manage data packs from official CMS release files",
        description="Data packs: official CMS release files installed as versioned releases.",
    )
    commands = data.add_subparsers(dest="data_command", metavar="ACTION")
    commands.required = True

    install = commands.add_parser(
        "install", help="install release files (zip, fixed-width txt, xlsx, csv) or URLs"
    )
    install.add_argument("paths", nargs="+", metavar="PATH_OR_URL")
    install.add_argument(
        "--force",
        action="store_true",
        help="reinstall an installed release; install one holding far fewer codes than the "
        "release of the same id it replaces",
    )
    install.add_argument("--json", action="store_true", help="print JSON")
    install.set_defaults(handler=_guard(_install))

    listing = commands.add_parser("list", help="list installed packs")
    listing.add_argument(
        "--kind", type=_kind, help="only packs of this kind (hcpcs, modifier, icd10cm, ...)"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    remove = commands.add_parser("remove", help="remove one installed pack")
    remove.add_argument("kind")
    remove.add_argument("release")
    remove.set_defaults(handler=_remove)

    verify = commands.add_parser("verify", help="check installed packs against their checksums")
    verify.set_defaults(handler=_verify)

    fetch = commands.add_parser("fetch", help="download a release from CMS and install it")
    fetch.add_argument("kind", help="hcpcs, icd10cm, icd10pcs (see docs/data-packs.md)")
    fetch.add_argument("--release", required=True, help="e.g. 2026-JAN (HCPCS), FY2026 (ICD-10)")
    fetch.add_argument(
        "--accept-ama-license",
        action="store_true",
        help="accept the AMA CPT licence (required for NCCI files, which contain CPT codes)",
    )
    fetch.add_argument("--force", action="store_true", help="reinstall an installed release")
    fetch.add_argument("--sha256", help="expected sha256 of the download (refused if different)")
    fetch.add_argument("--no-progress", action="store_true", help="no progress bar")
    fetch.set_defaults(handler=_guard(_fetch))

    where = commands.add_parser("dir", help="print the data directory")
    where.set_defaults(handler=_dir)

    importlib.import_module("codekit._cli.export").register(commands)


def _kind(value: str) -> str:
    """A pack kind is a name, never a path (``--kind ../outside`` is refused)."""
    import argparse
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a pack kind (lower-case letters, digits and _, such as hcpcs or "
            "icd10cm); `codekit data list` shows the kinds installed"
        )
    return value


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Bad input files are exit code 2 (bad input), not 3 (codekit's own data broken)."""

    def run(args: argparse.Namespace) -> int:
        from codekit.exceptions import DataFileError

        try:
            return handler(args)
        except DataFileError as error:
            print(f"codekit: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _note(line: str) -> None:
    print(f"found {line}", file=sys.stderr)


def _rows(packs: list[Pack]) -> list[tuple[str, ...]]:
    return [
        (
            p.kind,
            p.release,
            p.effective.isoformat(),
            p.until.isoformat() if p.until else "",
            str(p.manifest.get("rows", "")),
            ", ".join(str(s.get("name", "")) for s in p.manifest.get("sources", ())),
        )
        for p in packs
    ]


_HEADERS = ("kind", "release", "effective", "until", "rows", "source files")


def _dump(packs: list[Pack]) -> list[dict[str, object]]:
    return [dict(p.manifest) | {"path": str(p.path)} for p in packs]


def _install(args: argparse.Namespace) -> int:
    from codekit._importers.api import install

    packs = install(args.paths, force=args.force, report=_note, progress=True)
    if args.json:
        print_json(_dump(packs))
    else:
        print_table(_rows(packs), _HEADERS)
    return 0


def _list(args: argparse.Namespace) -> int:
    from codekit._importers.api import list_packs

    packs = list_packs(args.kind)
    if args.json:
        print_json(_dump(packs))
    elif packs:
        print_table(_rows(packs), _HEADERS)
    else:
        print("no data packs installed; see `codekit data install --help`", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from codekit._importers.api import remove

    remove(args.kind, args.release)
    print(f"removed {args.kind} {args.release}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from codekit._importers.api import list_packs, verify

    problems = verify()
    for problem in problems:
        print(problem)
    if problems:
        print("codekit: some packs are damaged; reinstall them with --force", file=sys.stderr)
        return 3
    print(f"{len(list_packs())} pack(s) verified")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from codekit._importers.api import fetch

    packs = fetch(
        args.kind,
        args.release,
        accept_ama_license=args.accept_ama_license,
        force=args.force,
        progress=not args.no_progress,
        report=_note,
        sha256=args.sha256,
    )
    print_table(_rows(packs), _HEADERS)
    return 0


def _dir(args: argparse.Namespace) -> int:
    from codekit._importers.api import data_dir

    print(data_dir())
    return 0
