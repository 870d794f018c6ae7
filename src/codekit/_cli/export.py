"""``codekit data export``: an installed table's rows as a Parquet file."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` to the ``codekit data`` actions."""
    export = commands.add_parser(
        "export",
        help="write an installed table (code set, NCCI PTP/MUE/AOC, crosswalk) as Parquet",
        description="Write every row of one release of an installed table to a Parquet file, "
        "with the schema docs/dataframes.md describes.",
    )
    export.add_argument(
        "kind", help="a code set (icd10cm, hcpcs...), ptp, mue, aoc or a crosswalk (icd9cm>icd10cm)"
    )
    export.add_argument("--format", choices=("parquet",), default="parquet", help="file format")
    export.add_argument("--release", help="release id (default: in force on --as-of, else newest)")
    export.add_argument("--as-of", help="the release in force on this date (YYYY-MM-DD)")
    export.add_argument("--setting", help="NCCI setting: practitioner, outpatient_hospital, dme")
    export.add_argument("--program", help="NCCI program: medicare or medicaid")
    export.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")
    export.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    export.set_defaults(handler=_export)


def _progress(line: str) -> None:
    print(f"codekit: {line}", file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    from codekit._frames.export import export_parquet

    path = export_parquet(
        args.kind,
        args.output,
        release=args.release,
        as_of=args.as_of,
        setting=args.setting,
        program=args.program,
        progress=None if args.quiet else _progress,
    )
    print(path)
    return 0
