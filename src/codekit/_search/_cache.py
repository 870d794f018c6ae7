"""Where search indexes live: one file per release in the user cache, shared by processes.

``CODEKIT_CACHE_DIR`` overrides the platform's cache folder (``~/.cache/codekit`` on Linux,
``~/Library/Caches/codekit`` on macOS, ``%LOCALAPPDATA%\\codekit\\Cache`` on Windows).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_dir"]

CACHE_ENV = "CODEKIT_CACHE_DIR"


def cache_dir() -> Path:
    """The folder search indexes are written to (not created here)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "search"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "codekit" / "Cache" / "search"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "codekit" / "search"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "codekit" / "search"
