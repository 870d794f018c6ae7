"""The code-set part of the registry: specs, and the release a code-set question is answered
from (:class:`CodeSets`, which :class:`codekit._tables.registry.Registry` is).

The rule is :mod:`codekit._tables.rule`'s, told in code-set words: a retired code set raises
where another would warn, and the messages name the code set's install hint. The lookup path
reads :meth:`CodeSets.spec` and :meth:`CodeSets.select` on every call, so they stay plain
dictionary reads on what :meth:`Registry.finish` ordered.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import attrs

from codekit._tables import rule
from codekit._tables.messages import coverage_hint, from_plugin, stale_message
from codekit.exceptions import (
    PluginError,
    StaleDataWarning,
    UnknownCodeSetError,
    UnknownReleaseError,
)
from codekit.models import CodeSet

if TYPE_CHECKING:
    import datetime as dt

    from codekit._tables.release import Release
    from codekit.plugins import CodeSetSpec

__all__ = ["CodeSetEntry", "CodeSets", "by_id", "caller_level"]


@attrs.frozen
class CodeSetEntry:
    """A registered code set: its spec, the plugin that registered it, whether as a fallback."""

    spec: CodeSetSpec
    plugin: str
    fallback: bool = False


class CodeSets:
    """The code-set questions of the registry, over the state the registry fills."""

    #: name -> the code set's registration (the first plugin in precedence keeps it)
    _code_sets: dict[str, CodeSetEntry]
    #: code set -> releases, oldest first (the ``code_set`` kind of the tables)
    _releases: dict[str, list[Release]]
    #: code set -> each release's last day (``None``: open-ended), as ``_releases`` is ordered
    _ends: dict[str, list[dt.date | None]]
    #: code set -> (plugin, why) of the plugin that failed to provide it
    _failed_code_sets: dict[str, tuple[str, str]]
    failures: dict[str, str]

    if TYPE_CHECKING:  # the registry's: it knows the plugins' precedence

        def rank(self, release: Release) -> tuple[int, dt.date, int]: ...

    def _in_force(self, code_set: str, day: dt.date) -> Release | None:
        """The code-set release that answers ``day`` (rules 1 and 2), ``None`` if none."""
        candidates = self._releases.get(code_set, [])
        ends = self._ends.get(code_set) or rule.ends(candidates)
        covering = [
            r
            for r, end in zip(candidates, ends, strict=True)
            if r.info.effective <= day and (end is None or day <= end)
        ]
        if not covering:
            return None
        return max(covering, key=self.rank)

    def newest(self, code_set: str) -> Release | None:
        """The release a dateless question is answered from (``None``: no release)."""
        candidates = self._releases.get(code_set, [])
        if not candidates:
            return None
        return self._in_force(code_set, max(r.info.effective for r in candidates))

    def specs(self) -> list[CodeSetSpec]:
        """Every registered code set's spec, by name."""
        return [self._code_sets[name].spec for name in sorted(self._code_sets)]

    def spec(self, name: str) -> CodeSetSpec:
        """The spec of one code set; raises if unknown or if its plugin failed."""
        entry = self._code_sets.get(name) if isinstance(name, str) else None
        if entry is not None:
            return entry.spec
        self._raise_missing(name)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_missing(self, name: str) -> None:
        if not isinstance(name, str):  # None, a list...: not a name at all
            raise UnknownCodeSetError(repr(name), sorted(self._code_sets))
        failed = self._failed_code_sets.get(name)
        if failed is not None:
            raise PluginError(failed[0], f"could not provide code set {name!r}: {failed[1]}")
        if self.failures:
            culprits = "; ".join(f"{p}: {m}" for p, m in sorted(self.failures.items()))
            raise PluginError(
                ", ".join(sorted(self.failures)),
                f"code set {name!r} is unknown and these plugins failed to load: {culprits}",
            )
        raise UnknownCodeSetError(name, sorted(self._code_sets))

    def code_sets(self) -> tuple[CodeSet, ...]:
        """Public view of every code set with its releases."""
        return tuple(
            CodeSet(
                name=spec.name,
                title=spec.title,
                plugin=self._code_sets[spec.name].plugin,
                description=spec.description,
                releases=tuple(r.info for r in self._releases.get(spec.name, ())),
            )
            for spec in self.specs()
        )

    def releases(self, code_set: str | None = None) -> tuple[Release, ...]:
        """Releases of one code set (oldest first), or of all."""
        if code_set is not None:
            self.spec(code_set)
            return tuple(self._releases.get(code_set, ()))
        return tuple(r for name in sorted(self._releases) for r in self._releases[name])

    def select(
        self, code_set: str, *, as_of: dt.date | None = None, release: str | None = None
    ) -> Release:
        """The code-set release asked for by id, or in force on ``as_of``, or the newest.

        The one rule of :mod:`codekit._tables.rule`, told in code-set words: a date after
        the end of every release is answered by the release that ends last, with a
        :class:`~codekit.exceptions.StaleDataWarning` (a retired code set raises instead);
        a date before the oldest release (or between two) raises
        :class:`UnknownReleaseError`.
        """
        spec = self.spec(code_set)
        candidates = self._releases.get(code_set, [])
        if not candidates:
            raise UnknownReleaseError(
                code_set, f"no {spec.title} data is installed; {spec.install_hint}"
            )
        if release is not None:
            return by_id(candidates, release, as_of, code_set, spec.title)
        if as_of is None:
            return self.newest(code_set) or candidates[-1]
        in_force = self._in_force(code_set, as_of)
        if in_force is not None:
            return in_force
        ends = self._ends.get(code_set) or rule.ends(candidates)
        choice = rule.choose(candidates, ends, as_of, self.rank)
        ids = [r.info.release for r in candidates]
        if choice is not None and spec.retired:
            last = max(end for end in ends if end is not None)
            raise UnknownReleaseError(
                code_set,
                f"{spec.title} is retired: its last release ends {last.isoformat()}, "
                f"before {as_of.isoformat()}; codes of later dates belong to its successor "
                "(see `codekit map`)",
                ids,
            )
        if choice is not None:
            warnings.warn(
                stale_message(spec, choice.release, as_of),
                StaleDataWarning,
                stacklevel=caller_level(),
            )
            return choice.release
        raise UnknownReleaseError(
            code_set,
            f"no {spec.title} release is in force on {as_of.isoformat()} (the releases "
            f"cover {rule.coverage(candidates, ends)}); {coverage_hint(candidates)}",
            ids,
        )


def by_id(
    releases: list[Release], release: str, as_of: dt.date | None, name: str, label: str
) -> Release:
    """The release of id ``release`` (rule 6), which must be in force on ``as_of`` if given;
    else :class:`UnknownReleaseError` naming the ones there are (``label`` names the table)."""
    chosen = rule.by_id(releases, release)
    ids = [r.info.release for r in releases]
    if chosen is None:
        raise UnknownReleaseError(
            name, f"{label} has no release {release!r}; available: {', '.join(ids)}", ids
        )
    if as_of is not None and not chosen.info.covers(as_of):
        raise UnknownReleaseError(
            name,
            f"{label} {chosen.info.release}{from_plugin(chosen)} is not in force on "
            f"{as_of.isoformat()} ({rule.period(chosen.info)}); leave out release= to use the "
            "release in force on that date",
            ids,
        )
    return chosen


def caller_level() -> int:
    """The stack level of the first frame outside codekit (where the warning points)."""
    import sys

    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("codekit"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
