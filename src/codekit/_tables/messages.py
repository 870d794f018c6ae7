"""What the registry's errors and warnings say about releases (one wording everywhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._tables.rule import period

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from codekit._tables.registry import Release
    from codekit.plugins import CodeSetSpec

__all__ = ["coverage_hint", "from_plugin", "stale_message"]


def from_plugin(release: Release) -> str:
    """`` (from plugin 'x')`` for a third-party plugin's release, else nothing."""
    return "" if release.plugin.startswith("codekit.") else f" (from plugin {release.plugin!r})"


def _plugins(releases: Iterable[Release]) -> list[str]:
    return sorted({r.plugin for r in releases if not r.plugin.startswith("codekit.")})


def stale_message(spec: CodeSetSpec, newest: Release, day: dt.date) -> str:
    """What a :class:`StaleDataWarning` says when ``newest`` answers a date after its end."""
    return (
        f"codekit: no {spec.title} release covers {day.isoformat()}; answered from the "
        f"newest, {newest.info.release}{from_plugin(newest)} ({period(newest.info)}), which "
        f"may be out of date. {_newer(spec, newest)}"
    )


def _newer(spec: CodeSetSpec, newest: Release) -> str:
    if not newest.plugin.startswith("codekit."):
        return f"Ask for a newer release from plugin {newest.plugin!r} (or upgrade it)."
    return f"To get a newer release: {spec.install_hint}."


def coverage_hint(candidates: Sequence[Release]) -> str:
    """How to get a release for a date no release covers."""
    plugins = _plugins(candidates)
    if plugins and all(not r.plugin.startswith("codekit.") for r in candidates):
        named = ", ".join(repr(p) for p in plugins)
        return f"these releases come from plugin {named}: ask it for the release of that date"
    hint = "install the release for that date with `codekit data install FILE`"
    if plugins:
        hint += f" (or ask plugin {', '.join(repr(p) for p in plugins)} for it)"
    return hint
