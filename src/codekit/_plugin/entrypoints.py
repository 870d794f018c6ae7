"""Finding ``codekit`` entry points quickly.

``importlib.metadata`` costs tens of milliseconds to import and parses every installed
distribution's metadata; codekit only needs one group's entry points, so it reads the
``entry_points.txt`` files on ``sys.path`` directly (first distribution of a name wins, as
with ``importlib.metadata``).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import NamedTuple

__all__ = ["EntryPoint", "find"]

_DIST = re.compile(r"^([A-Za-z0-9_.]+?)-[^-]+\.(dist-info|egg-info)$")


class EntryPoint(NamedTuple):
    """One entry point: its name and ``module[:attribute]`` value."""

    name: str
    value: str

    def load(self) -> object:
        """Import the module (and walk to the attribute) the entry point names."""
        module_name, _, attribute = self.value.partition(":")
        target: object = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split(".")):
            target = getattr(target, part)
        return target


def _parse(text: str, group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.split("[")[0].strip()))
    return found


def find(group: str) -> list[EntryPoint]:
    """Every entry point of ``group`` visible on ``sys.path``."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in names:
            match = _DIST.match(entry)
            if match is None:
                continue
            dist = match.group(1).lower().replace("-", "_").replace(".", "_")
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(
                    os.path.join(folder or ".", entry, "entry_points.txt"), encoding="utf-8"
                ) as f:
                    text = f.read()
            except OSError:
                continue
            found.extend(_parse(text, group))
    return found
