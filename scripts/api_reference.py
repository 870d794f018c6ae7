"""Generate docs/api.md from the docstrings of codekit's public modules.

``python scripts/api_reference.py`` rewrites the file; ``--check`` fails if it is stale
(the docs session runs that, so the reference always matches the code).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "api.md"
MODULES = (
    "codekit",
    "codekit.models",
    "codekit.exceptions",
    "codekit.plugins",
    "codekit.hookspecs",
    "codekit.testing",
    "codekit.data",
    "codekit.ncci",
    "codekit.mce",
    "codekit.quota",
    "codekit.risk",
    "codekit.frames",
    "codekit.spark",
    "codekit.fhir",
    "codekit.grouping",
)
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _signature(obj: object) -> str:
    try:
        text = str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return _ADDRESS.sub("", text)


def _doc(obj: object) -> str:
    return inspect.getdoc(obj) or "*(undocumented)*"


def _entry(qualname: str, obj: object, level: str) -> list[str]:
    if inspect.isclass(obj):
        lines = [f"{level} class `{qualname}`", "", _doc(obj), ""]
        for name, member in sorted(vars(obj).items()):
            if name.startswith("_") and name not in ("__init__",):
                continue
            if name == "__init__" or (not callable(member) and not isinstance(member, property)):
                continue
            target = member.fget if isinstance(member, property) else member
            doc = inspect.getdoc(target)
            if doc:
                lines += [f"- `{name}{_signature(target)}`: {doc.splitlines()[0]}"]
        return [*lines, ""]
    if callable(obj):
        return [f"{level} `{qualname}{_signature(obj)}`", "", _doc(obj), ""]
    return []


def render() -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `scripts/api_reference.py`; do not edit by hand.",
        "",
    ]
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        names = sorted(getattr(module, "__all__", ()))
        lines += [f"## `{module_name}`", "", (inspect.getdoc(module) or "").split("\n\n")[0], ""]
        for name in names:
            if name.startswith("__"):
                continue
            obj = getattr(module, name)
            home = getattr(obj, "__module__", module_name)
            if module_name == "codekit" and home in MODULES and home != "codekit":
                lines += [f"- `codekit.{name}`: see `{home}`", ""]
                continue
            lines += _entry(f"{module_name}.{name}", obj, "###")
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/api.md is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("docs/api.md is stale: run `python scripts/api_reference.py`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
