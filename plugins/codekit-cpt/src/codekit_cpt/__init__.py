"""CPT descriptors from a licensee's own descriptor file (nothing licensed ships here).

The file is named by ``CODEKIT_CPT_DESCRIPTORS`` or :func:`configure`, and read on first use.
Layout: see the package README (tab-separated: code, short, long, consumer-friendly,
clinician descriptors).

With a file configured the plugin registers it as a release of the ``cpt`` code set, so
``codekit.lookup``, ``describe``, ``get_many``, ``describe_many``, ``is_valid``, ``search``
and ``page`` all answer from it; each descriptor kind is also registered for code pages.
``CODEKIT_CPT_RELEASE`` (or ``configure(release=...)``) names the CPT year of the file
(``"2026"``: in force for dates of service in 2026); without it the file answers for every
date.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from functools import partial
from pathlib import Path

from codekit.exceptions import DataError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, MemoryCodeSource, Registrar, hookimpl

__all__ = [
    "ENV",
    "KINDS",
    "RELEASE_ENV",
    "SOURCE",
    "codekit_register",
    "configure",
    "descriptors",
    "release",
]

#: The environment variable naming the descriptor file.
ENV = "CODEKIT_CPT_DESCRIPTORS"
#: The environment variable naming the file's CPT year (optional).
RELEASE_ENV = "CODEKIT_CPT_RELEASE"
#: Column order after the code, as registered description kinds.
KINDS: tuple[str, ...] = ("short", "long", "consumer", "clinician")
#: The label shown next to every descriptor.
SOURCE = "AMA CPT (licensed file)"

_lock = threading.Lock()
_configured: Path | None = None
_configured_release: str | None = None
_loaded: dict[str, dict[str, list[str]]] | None = None
_loaded_from: Path | None = None


def configure(path: str | os.PathLike[str] | None, *, release: str | None = None) -> None:
    """Use the descriptor file at ``path`` (``None``: back to ``$CODEKIT_CPT_DESCRIPTORS``).

    ``release`` is the file's CPT year (``"2026"``), else ``$CODEKIT_CPT_RELEASE``. codekit
    sees the change on its next lookup.
    """
    global _configured, _configured_release, _loaded
    if release is not None and not _year(release):
        raise DataError(f"release= is a CPT year such as '2026', not {release!r}")
    with _lock:
        _configured = Path(path) if path is not None else None
        _configured_release = release
        _loaded = None
    from codekit import _registry  # the registry lists this plugin's release: rebuild it

    _registry.reset()


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if len(text) == 4 and text.isdigit() and text >= "1966" else None


def release() -> DataRelease | None:
    """The release the configured file is registered as (``None`` when none is configured)."""
    path = _path()
    if path is None:
        return None
    raw = _configured_release or os.environ.get(RELEASE_ENV, "").strip()
    year = _year(raw) if raw else None
    if raw and year is None:
        raise DataError(f"{RELEASE_ENV} is a CPT year such as 2026, not {raw!r}")
    return DataRelease(
        code_set="cpt",
        release=str(year) if year else "licensed",
        # CPT editions take effect on January 1; an undated file answers for every date (to
        # the last one: an open end would be superseded by codekit's packaged CPT numbers).
        effective=dt.date(year, 1, 1) if year else dt.date(1966, 1, 1),
        until=dt.date(year, 12, 31) if year else dt.date.max,
        origin="plugin",
        source=SOURCE,
        source_file=path.name,
        licence="AMA CPT licence held by the user (the file is the licensee's own)",
    )


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


def _table() -> dict[str, dict[str, list[str]]]:
    global _loaded, _loaded_from
    path = _path()
    if path is None:
        return {kind: {} for kind in KINDS}
    with _lock:
        if _loaded is None or _loaded_from != path:
            _loaded, _loaded_from = _read(path), path
        return _loaded


def descriptors(kind: str, code: str) -> tuple[str, ...]:
    """The descriptors of ``kind`` for the canonical CPT ``code`` in the configured file."""
    return tuple(_table()[kind].get(code, ()))


def _records() -> MemoryCodeSource:
    """The file as code records: the long descriptor describes, the short one is short."""
    table = _table()
    codes = sorted({code for texts in table.values() for code in texts})
    records = []
    for code in codes:
        texts = {kind: table[kind].get(code, []) for kind in KINDS}
        first = next(t[0] for t in (texts["long"], texts["short"], *texts.values()) if t)
        short = texts["short"][0] if texts["short"] else None
        # Consumer and clinician descriptors are other names of the code: search finds them.
        others = tuple(t for kind in ("consumer", "clinician") for t in texts[kind] if t != first)
        records.append(
            CodeRecord(
                code=code,
                description=first,
                short_description=short if short != first else None,
                notes={"synonym": others} if others else None,
            )
        )
    return MemoryCodeSource(records)


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    described = release()
    if described is not None:
        registrar.add_release(described, source=_records)
    for kind in KINDS:
        registrar.add_descriptions(
            "cpt", source=SOURCE, kind=kind, descriptions=partial(descriptors, kind)
        )
