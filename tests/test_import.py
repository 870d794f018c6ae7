"""Importing codekit does nothing: no data read, no plugin manager, no entry points."""

from __future__ import annotations

import json
import subprocess
import sys


def _run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_import_is_free() -> None:
    result = _run(
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import codekit\n"
        "new = sorted(set(sys.modules) - before)\n"
        "print(json.dumps({'new': new, 'version': codekit.__version__}))\n"
    )
    new = result["new"]
    assert isinstance(new, list)
    assert [m for m in new if m.startswith("codekit")] == ["codekit"]
    for heavy in ("sqlite3", "pluggy", "importlib.metadata", "pandas", "numpy", "attrs", "cattrs"):
        assert heavy not in new, f"import codekit imported {heavy}"
    assert result["version"]


def test_first_lookup_opens_only_what_it_needs() -> None:
    result = _run(
        "import sys, json\n"
        "import codekit\n"
        "codekit.lookup('E11.9')\n"
        "print(json.dumps({'mods': sorted(sys.modules)}))\n"
    )
    mods = result["mods"]
    assert isinstance(mods, list)
    for heavy in ("pandas", "numpy", "openpyxl", "cattrs", "urllib.request"):
        assert heavy not in mods, f"a lookup imported {heavy}"
