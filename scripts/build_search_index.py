"""Build the search indexes of installed releases ahead of the first search.

    python scripts/build_search_index.py                   # newest release of each code set
    python scripts/build_search_index.py --all-releases    # every release (e.g. all FYs)
    python scripts/build_search_index.py --code-set icd10cm --cache-dir build/cache

Indexes go to the user cache (``$CODEKIT_CACHE_DIR`` or the platform's cache folder), one file
per release, named by the release's identity; ``codekit.search`` then opens them instead of
building them on first use. The indexes are not shipped in the wheel: the ICD-10-CM index
alone is tens of MB (see docs/search.md), while it builds in seconds from packaged data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code-set", action="append", dest="code_sets", help="repeatable")
    parser.add_argument("--all-releases", action="store_true", help="not only the newest")
    parser.add_argument("--cache-dir", type=Path, help="instead of the user cache")
    args = parser.parse_args(argv)
    if args.cache_dir is not None:
        os.environ["CODEKIT_CACHE_DIR"] = str(args.cache_dir)

    from codekit import _registry
    from codekit._search._cache import cache_dir
    from codekit._search._index import index_for

    registry = _registry.current()
    names = args.code_sets or [spec.name for spec in registry.specs()]
    print(f"{'code set':10} {'release':12} {'items':>7} {'seconds':>8} {'MB':>6}  file")
    for name in names:
        releases = registry.releases(name)
        chosen = releases if args.all_releases else releases[-1:]
        for release in chosen:
            started = time.perf_counter()
            index = index_for(release)
            took = time.perf_counter() - started
            path = cache_dir() / index.label
            size = path.stat().st_size / 1e6 if path.is_file() else 0.0
            info = release.info
            print(
                f"{name:10} {info.release:12} {index.docs:7d} {took:8.1f} {size:6.1f}  {path.name}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
