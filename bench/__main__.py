"""Run benchmarks: ``python -m bench`` runs all, ``python -m bench lookup search`` some.

Each benchmark is a module ``bench/<name>.py`` with a ``main() -> None`` that prints a table
of figures side by side with the peer library the issue names, and the ratios.

``python -m bench compare [--base REF]`` measures a git ref (default: the tag
``round3-base``) and this checkout in the same run, alternating (see ``bench/_compare.py``);
``python -m bench --base REF`` is the same.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if argv and (argv[0] == "compare" or argv[0].startswith("--base")):
        from bench import _compare

        return _compare.main(argv[1:] if argv[0] == "compare" else argv)
    here = Path(__file__).parent
    available = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        print("or: compare [--base REF] [--rounds N] [--only GROUPS] (before and after)")
        return 2
    for name in chosen:
        print(f"\n=== bench {name} ===", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
