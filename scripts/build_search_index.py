"""Build the search indexes of installed releases ahead of the first search.

    python scripts/build_search_index.py                      # newest release of each code set
    python scripts/build_search_index.py --as-of 2024-05-01   # also the releases of that day
    python scripts/build_search_index.py --cache-dir build/cache

Indexes go to the user cache (``$CODEKIT_CACHE_DIR`` or the platform's cache folder), one file
per selection of releases (one of each code set), named by the releases' identity;
``codekit.search`` then opens them instead of building them on first use. The indexes are
not shipped in the wheel: the ICD-10-CM index alone is tens of MB (see docs/search.md),
while it builds in seconds from packaged data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--as-of", action="append", default=[], help="also the releases in force on YYYY-MM-DD"
    )
    parser.add_argument("--cache-dir", type=Path, help="instead of the user cache")
    args = parser.parse_args(argv)
    if args.cache_dir is not None:
        os.environ["CODEKIT_CACHE_DIR"] = str(args.cache_dir)

    from codekit._dates import to_date
    from codekit._search._engine import default_releases
    from codekit._search._index import index_for, path_for

    for day in [None, *(to_date(d, "as_of") for d in args.as_of)]:
        releases = default_releases(day)
        started = time.perf_counter()
        index = index_for(releases)
        took = time.perf_counter() - started
        path = path_for(releases)
        size = path.stat().st_size / 1e6 if path.is_file() else 0.0
        what = ", ".join(f"{r.info.code_set} {r.info.release}" for r in releases)
        print(f"{day or 'newest'}: {what}")
        print(f"  {index.docs} items, {took:.1f} s, {size:.1f} MB: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
