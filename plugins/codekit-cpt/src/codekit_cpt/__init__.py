"""CPT descriptors from a licensee's own descriptor file (nothing licensed ships here).

The file is named by ``CODEKIT_CPT_DESCRIPTORS`` or :func:`configure`, and read on the first
code page that needs it. Layout: see the package README (tab-separated: code, short, long,
consumer-friendly, clinician descriptors).
"""

from __future__ import annotations

import os
import threading
from functools import partial
from pathlib import Path

from codekit.exceptions import DataError
from codekit.plugins import Registrar, hookimpl

__all__ = ["ENV", "KINDS", "SOURCE", "codekit_register", "configure", "descriptors"]

#: The environment variable naming the descriptor file.
ENV = "CODEKIT_CPT_DESCRIPTORS"
#: Column order after the code, as registered description kinds.
KINDS: tuple[str, ...] = ("short", "long", "consumer", "clinician")
#: The label shown next to every descriptor.
SOURCE = "AMA CPT (licensed file)"

_lock = threading.Lock()
_configured: Path | None = None
_loaded: dict[str, dict[str, list[str]]] | None = None
_loaded_from: Path | None = None


def configure(path: str | os.PathLike[str] | None) -> None:
    """Use the descriptor file at ``path`` (``None``: back to ``$CODEKIT_CPT_DESCRIPTORS``)."""
    global _configured, _loaded
    with _lock:
        _configured = Path(path) if path is not None else None
        _loaded = None


def _path() -> Path | None:
    if _configured is not None:
        return _configured
    raw = os.environ.get(ENV, "").strip()
    return Path(raw) if raw else None


def _read(path: Path) -> dict[str, dict[str, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(
            f"cannot read the CPT descriptor file {path} ({exc.strerror or exc}); "
            f"fix {ENV} or codekit_cpt.configure()"
        ) from exc
    table: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        code = "".join(fields[0].split()).upper()
        if number == 1 and code == "CODE":
            continue
        if len(fields) > 1 + len(KINDS) or not (len(code) == 5 and code[:4].isdigit()):
            raise DataError(
                f"{path}, line {number}: expected a CPT code and up to {len(KINDS)} "
                "tab-separated descriptors (code, short, long, consumer, clinician)"
            )
        for kind, value in zip(KINDS, fields[1:], strict=False):
            if not value:
                continue
            texts = table[kind].setdefault(code, [])
            if kind == "clinician" or not texts:
                texts.append(value)
    return table


def descriptors(kind: str, code: str) -> tuple[str, ...]:
    """The descriptors of ``kind`` for the canonical CPT ``code`` in the configured file."""
    global _loaded, _loaded_from
    path = _path()
    if path is None:
        return ()
    with _lock:
        if _loaded is None or _loaded_from != path:
            _loaded, _loaded_from = _read(path), path
        table = _loaded
    return tuple(table[kind].get(code, ()))


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    for kind in KINDS:
        registrar.add_descriptions(
            "cpt", source=SOURCE, kind=kind, descriptions=partial(descriptors, kind)
        )
