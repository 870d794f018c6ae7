"""The registrar a plugin's ``codekit_register`` hook is handed (public through
:mod:`codekit.plugins`); the values its methods register are :mod:`codekit._plugin.values`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from codekit._codesets.records import CodeRecord, CodeSource, MemoryCodeSource, SourceFactory
from codekit._codesets.spec import NAME as _NAME
from codekit._codesets.spec import CodeSetSpec
from codekit._plugin.checks import check_record, check_release
from codekit._plugin.loading import contained, describe_failure
from codekit._plugin.values import (
    AocPrimaries,
    DescriptionLookup,
    DescriptionProvider,
    TableEntry,
    is_source,
    memoised,
)
from codekit._tables.sections import (
    AOC_PRIMARIES,
    ASK_BACKENDS,
    DESCRIPTIONS,
    PAGE_SECTIONS,
    QUOTA_POLICIES,
    QUOTA_STORES,
    Deferred,
    Section,
)
from codekit.models import DataRelease

if TYPE_CHECKING:
    from codekit._crosswalk._values import CrosswalkSpec
    from codekit._pages.section import PageSection
    from codekit._quota.policy import QuotaPolicy
    from codekit._quota.stores import QuotaStore

#: What ``add_quota_store`` accepts: a function of the store URL returning a store.
QuotaStoreFactory = Callable[[str], "QuotaStore"]


__all__ = ["QuotaStoreFactory", "Registrar"]


class Registrar:
    """Handed to ``codekit_register``: the plugin's way to add what it provides.

    New capabilities arrive as new methods here, never as new hook signatures.
    """

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self._code_sets: list[tuple[CodeSetSpec, bool]] = []
        self._tables: list[TableEntry] = []
        self._sections: dict[str, list[Any]] = {}
        self._deferred: list[Deferred] = []
        self._only: frozenset[str] | None = None  # a deferred build's sections

    @property
    def empty(self) -> bool:
        """Whether nothing has been registered through this registrar."""
        return not (self._code_sets or self._tables or self._sections or self._deferred)

    def defer(self, sections: Iterable[str], build: Callable[[Registrar], None]) -> None:
        """Register the values of ``sections`` when one of them is first read.

        ``build(registrar)`` runs then, once, and calls the registrar's methods for them.
        ``sections`` are section names (``"page_section"``, ``"quota_policy"``,
        ``"quota_store"``, ``"descriptions"``, or a name given to :meth:`add_extension`).
        What ``build`` registers takes this plugin's place in precedence, as if registered
        at once, so nothing a plugin offers for pages or quotas is imported until a page is
        built or a quota charged. ``build`` may register nothing else (no code set or table);
        if it fails, the plugin is recorded as failed then, with a warning.

        .. versionadded:: 0.2
        """
        if isinstance(sections, str):
            sections = (sections,)
        names = frozenset(sections) if isinstance(sections, Iterable) else frozenset()
        if not names or not all(isinstance(n, str) and n for n in names):
            raise TypeError("defer needs the names of the sections build registers")
        if not callable(build):
            raise TypeError("defer needs build, a function of the registrar")
        self._deferred.append(Deferred(names, lambda: _run_deferred(self.plugin, names, build)))

    def add_table(
        self, kind: str, release: DataRelease, source: Callable[[], Any], *, spec: Any = None
    ) -> None:
        """Register one release of a versioned table of any kind (the one registrar call).

        ``kind`` is the table's kind (``"code_set"``, ``"crosswalk"``, ``"ncci_ptp"``, or a
        plugin's own such as ``"fee_schedule"``); ``release.code_set`` names the table
        within it and ``release.attributes`` its facets. ``source`` is a zero-argument
        callable returning the release's data, called once, on first use. The registry
        picks among a table's releases by the one rule (``codekit._tables.rule``): a pack
        over a plugin over packaged data, then the later release. ``add_release``,
        ``add_crosswalk`` and codekit's NCCI tables register through this call.

        .. versionadded:: 0.2
        """
        check_release(release, "add_table")
        if not isinstance(kind, str) or not _NAME.fullmatch(kind) or ":" in kind:
            raise TypeError(f"a table kind is lower-case letters, digits and _: {kind!r}")
        if not callable(source):
            raise TypeError("add_table needs source=, a callable returning the release's data")
        if release.kind != kind:
            release = attrs.evolve(release, kind=kind)
        # a code set's source is memoised by add_release already (and checked per call)
        factory = source if kind == "code_set" else memoised(source)
        self._tables.append(TableEntry(release, factory, self.plugin, spec))

    def _add(self, section: Section[Any], value: Any) -> None:
        self.add_extension(section.name, value)

    def add_code_set(self, spec: CodeSetSpec, *, fallback: bool = False) -> None:
        """Register a code set. A ``fallback`` registration yields to another plugin's."""
        if not isinstance(spec, CodeSetSpec):
            raise TypeError(f"add_code_set takes a CodeSetSpec, not {type(spec).__name__}")
        self._code_sets.append((spec, fallback))

    def add_release(
        self,
        release: DataRelease,
        *,
        source: CodeSource | SourceFactory | None = None,
        records: Iterable[CodeRecord] | None = None,
    ) -> None:
        """Register one release of a code set (registered by this or another plugin).

        Pass ``records`` for small in-memory data, or ``source``: a :class:`CodeSource` or a
        zero-argument callable that opens one on first use (preferred: nothing is read until
        a lookup needs it).
        """
        check_release(release, "add_release")
        if (source is None) == (records is None):
            raise TypeError("add_release needs exactly one of source= or records=")
        factory: SourceFactory
        if records is not None:
            # Plugins are foreign code: check what they hand over despite the annotation.
            given: tuple[object, ...] = tuple(records)
            wrong = [
                type(record).__name__ for record in given if not isinstance(record, CodeRecord)
            ]
            if wrong:
                raise TypeError(f"records must be CodeRecord values, not {wrong[0]}")
            frozen = tuple(record for record in given if isinstance(record, CodeRecord))
            problem = next(filter(None, map(check_record, frozen)), None)
            if problem is not None:
                raise TypeError(f"add_release: a bad record: {problem}")
            factory = memoised(lambda: MemoryCodeSource(frozen))
        elif is_source(source):
            ready = source
            factory = lambda: ready  # noqa: E731 - a constant factory
        elif callable(source):
            factory = memoised(source)
        else:
            raise TypeError("source must be a CodeSource or a callable returning one")
        self.add_table("code_set", release, factory)

    def add_extension(self, kind: str, value: Any) -> None:
        """Register a value in the registrar section named ``kind`` (the generic form).

        A kept escape hatch for plugin-defined capabilities: a capability reads it back
        with ``registry.section(Section(kind, ...))``. codekit's own sections have typed
        methods (``add_quota_policy``, ``add_descriptions``, ...); a value given here
        under one of their names (``"page_info"``) lands in that section unchecked.
        """
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"add_extension needs a section name, not {kind!r}")
        if self._only is not None and kind not in self._only:
            allowed = ", ".join(sorted(self._only))
            raise TypeError(f"a deferred build registers in {allowed} only, not {kind!r}")
        self._sections.setdefault(kind, []).append(value)

    def add_crosswalk(
        self,
        spec: CrosswalkSpec,
        release: DataRelease,
        *,
        rows: Iterable[Sequence[Any]] | None = None,
        source: Callable[[], Any] | None = None,
    ) -> None:
        """Register one release of a crosswalk (a mapping from one code set to another).

        ``spec`` names it (``to=`` takes ``spec.name``) and gives its source and target code
        sets; ``release`` its release id and effective period. Pass ``rows`` for small data:
        ``(source, target)`` or ``(source, target, flags)`` tuples (``flags``: CMS's five GEM
        digits; a ``None`` target is a "no map" row), or ``source``: a zero-argument callable
        returning a ``codekit._crosswalk._table.CrosswalkTable``, called on first use.

        .. versionadded:: 0.1
        """
        from codekit._crosswalk._source import crosswalk_source  # only when one is added

        check_release(release, "add_crosswalk")
        factory = crosswalk_source(spec, release, rows=rows, source=source)
        self.add_table("crosswalk", release, factory, spec=spec)

    def add_descriptions(
        self,
        code_set: str,
        *,
        source: str,
        kind: str,
        descriptions: Mapping[str, str | Sequence[str]] | DescriptionLookup,
    ) -> None:
        """Register extra descriptions of a code set's codes (shown on code pages).

        For licensed descriptors (CPT short/long/consumer/clinician, from a licensee's own
        file) and plain-language texts. ``source`` names where the texts come from (shown as
        their label, e.g. ``"AMA CPT (licensee file)"``), ``kind`` what they are (``"short"``,
        ``"long"``, ``"consumer"``, ``"clinician"``, ``"plain_language"``, ...).
        ``descriptions`` maps codes (any spelling: case, spaces and the dot do not matter) to
        one text or several, or is a function of the canonical code returning them or
        ``None`` (preferred for big files: read on first use).

        .. versionadded:: 0.1
        """
        if not isinstance(source, str) or not source.strip():
            raise TypeError("add_descriptions needs source=, a non-empty label")
        if not isinstance(kind, str) or not _NAME.fullmatch(kind):
            raise TypeError(f"kind must be lower-case letters, digits and _: {kind!r}")
        if not isinstance(descriptions, Mapping) and not callable(descriptions):
            raise TypeError("descriptions must be a mapping of code to text or a function")
        self._add(
            DESCRIPTIONS,
            DescriptionProvider(
                code_set=code_set, source=source, kind=kind, descriptions=descriptions
            ),
        )

    def add_quota_policy(self, name: str, policy: QuotaPolicy) -> None:
        """Register a quota policy under ``name`` (used by ``codekit.Client(policy=name)``).

        ``policy`` implements :class:`codekit.quota.QuotaPolicy`: its ``allowance(principal,
        resource)`` says how many resources a principal may open in which window. The
        built-in ``"default"`` policy (guests 1 page, registered 6, paid unlimited) is
        registered through this method too.

        .. versionadded:: 0.1
        """
        if not isinstance(name, str) or not name:
            raise TypeError("a quota policy needs a non-empty name")
        if not callable(getattr(policy, "allowance", None)):
            raise TypeError(
                f"quota policy {name!r} must have an allowance(principal, resource) method"
            )
        self._add(QUOTA_POLICIES, (name, policy))

    def add_quota_store(self, scheme: str, factory: QuotaStoreFactory) -> None:
        """Register a quota store for URLs ``scheme://...`` (``factory(url)`` opens one).

        The factory is called with the whole URL and returns a
        :class:`codekit.quota.QuotaStore`; it should not connect until first used. The
        built-in ``memory``, ``sqlite`` and ``redis`` stores are registered this way.

        .. versionadded:: 0.1
        """
        if not isinstance(scheme, str) or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
            raise TypeError(f"a store scheme is lower-case letters and digits: {scheme!r}")
        if not callable(factory):
            raise TypeError("add_quota_store needs a callable factory(url) -> QuotaStore")
        self._add(QUOTA_STORES, (scheme, factory))

    def add_aoc_primaries(
        self,
        add_on: str,
        primaries: Iterable[str],
        *,
        program: str = "medicare",
        source: str = "",
    ) -> None:
        """Register a contractor's primary codes for an NCCI add-on code of AOC type 2 or 3.

        CMS lists no primaries for type 2 add-on codes (``CCCCC``: contractor-defined) and a
        non-exclusive list for type 3; without a contractor list the engine reports those
        add-on lines as ``unverifiable``. With one, a type 2 add-on line is denied unless a
        payable line carries one of ``primaries`` on the same day, and a type 3 line passes
        when one does. ``source`` names the contractor list (shown in findings).

        .. versionadded:: 0.1
        """
        codes = tuple(sorted({"".join(str(p).split()).upper() for p in primaries}))
        add_on = "".join(str(add_on).split()).upper()
        if not re.fullmatch(r"[0-9A-Z]{5}", add_on) or not all(
            re.fullmatch(r"[0-9A-Z]{5}", c) for c in codes
        ):
            raise TypeError("add_aoc_primaries takes 5-character HCPCS/CPT codes")
        if program not in ("medicare", "medicaid"):
            raise TypeError(f"program must be 'medicare' or 'medicaid', not {program!r}")
        self._add(
            AOC_PRIMARIES,
            AocPrimaries(add_on=add_on, primaries=codes, program=program, source=source),
        )

    def add_page_section(self, section: PageSection) -> None:
        """Register a part of every code page (:class:`PageSection`).

        ``section.build(context)`` returns ``section.part(available=..., rows=...,
        message=...)``, or ``None`` to leave a page without it; ``order`` places it and
        ``html``/``text`` render it. A section of a built-in's name (``history``,
        ``crosswalks``, ``ptp``, ``mue``, ``addons``) replaces the built-in one.

        .. versionadded:: 0.2
        """
        from codekit._pages.section import PageSection  # only when used

        if not isinstance(section, PageSection):
            raise TypeError(f"add_page_section takes a PageSection, not {type(section).__name__}")
        self._add(PAGE_SECTIONS, section)

    def add_ask_backend(self, backend: object) -> None:
        """Register a language-model backend that rephrases :func:`codekit.ask` answers.

        ``backend`` has a ``rephrase(question, answer)`` method returning the sentences to
        show, each with a ``text`` and the index of its ``citation`` in
        ``answer.citations``. codekit keeps only sentences that state nothing beyond the
        cited facts, so a backend can reword an answer but never add to it. The backend of
        the highest-precedence plugin is used.

        .. versionadded:: 0.2
        """
        if not callable(getattr(backend, "rephrase", None)):
            raise TypeError("add_ask_backend needs an object with a rephrase(question, answer)")
        self._add(ASK_BACKENDS, backend)


def _run_deferred(
    plugin: str, names: frozenset[str], build: Callable[[Registrar], None]
) -> dict[str, list[Any]] | str:
    """Run a deferred build: what it registered, or why it failed (see :meth:`Registrar.defer`)."""
    registrar = Registrar(plugin)
    registrar._only = names
    try:
        with contained():
            build(registrar)
    except Exception as exc:  # a plugin's build: contained, recorded as its failure
        return describe_failure(exc)
    if registrar._code_sets or registrar._tables or registrar._deferred:
        return "a deferred build may only register section values, not code sets or tables"
    return registrar._sections
