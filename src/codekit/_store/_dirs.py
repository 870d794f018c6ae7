"""Where the data directory is (the lowest piece of the data layer: imports none of codekit)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir"]

#: Environment variable overriding the data directory.
DATA_DIR_ENV = "CODEKIT_DATA_DIR"


def data_dir() -> Path:
    """Where packs live: ``$CODEKIT_DATA_DIR``, else the platform's user data directory.

    Linux and other Unixes: ``$XDG_DATA_HOME/codekit`` (default ``~/.local/share/codekit``);
    macOS: ``~/Library/Application Support/codekit``; Windows: ``%LOCALAPPDATA%\\codekit``.
    The directory is not created here.
    """
    raw = os.environ.get(DATA_DIR_ENV)
    if raw:
        return Path(raw).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "codekit"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "codekit"
    xdg = os.environ.get("XDG_DATA_HOME")
    base_dir = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base_dir / "codekit"
