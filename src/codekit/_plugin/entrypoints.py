"""Finding ``codekit`` entry points quickly.

``importlib.metadata`` costs tens of milliseconds to import and parses every installed
distribution's metadata; codekit only needs one group's entry points, so it reads the
``entry_points.txt`` files on ``sys.path`` directly (first distribution of a name wins, as
with ``importlib.metadata``).

One broken distribution never hides the others: a folder that cannot be listed or a file
that cannot be read is skipped, and a file that is not UTF-8 is read with its undecodable
bytes replaced; if it declares ``codekit`` entry points, a
:class:`~codekit.exceptions.PluginWarning` names the distribution.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import warnings
from typing import NamedTuple

from codekit.exceptions import PluginWarning

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


def _read(path: str) -> tuple[str, bool]:
    """The file's text and whether it was valid UTF-8 (OSError if it cannot be read)."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), False


def find(group: str) -> list[EntryPoint]:
    """Every entry point of ``group`` visible on ``sys.path``."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    folders: list[object] = list(sys.path)  # anything may have been put there
    for folder in folders:
        try:
            base = os.fspath(folder) or "."  # type: ignore[call-overload]
            if not isinstance(base, str):
                continue
            names = sorted(os.listdir(base))
        except (OSError, TypeError, ValueError):  # missing, not a folder, not a path
            continue
        for entry in names:
            match = _DIST.match(entry)
            if match is None:
                continue
            dist = match.group(1).lower().replace("-", "_").replace(".", "_")
            if dist in seen:
                continue
            seen.add(dist)
            path = os.path.join(base, entry, "entry_points.txt")
            try:
                text, valid = _read(path)
            except (OSError, ValueError):
                continue
            points = _parse(text, group)
            if points and not valid:
                warnings.warn(
                    f"{path} is not UTF-8; its {group!r} entry points may not load "
                    f"(reinstall {match.group(1)})",
                    PluginWarning,
                    stacklevel=2,
                )
            found.extend(points)
    return found
