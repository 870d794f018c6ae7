"""What every quota store is: the :class:`QuotaStore` protocol, the :class:`Tally` it
reports, and :func:`open_store`, which opens a store by URL from the registered schemes;
:class:`CheckedStore` is the built-in stores' common half (their arguments, checked)."""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from codekit._quota._checks import checked, instant, text
from codekit.exceptions import QuotaConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["CheckedStore", "QuotaStore", "Tally", "finite", "open_store"]

_LOWEST = -1e300  # "since the beginning" in a form every store compares as a number


@attrs.frozen
class Tally:
    """What a store reports: whether this charge was granted, how many grants the window
    holds now, the instant of the oldest of them, and whether the resource was a free repeat."""

    granted: bool
    used: int
    oldest: float | None = None
    repeat: bool = False


@runtime_checkable
class QuotaStore(Protocol):
    """Counts grants per account; every method may raise :class:`QuotaStoreError`."""

    url: str

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        """Atomically: if ``free_repeat`` and ``resource`` was granted at or after ``since``,
        grant for free; else grant and record ``now`` if fewer than ``limit`` grants were
        recorded at or after ``since``; else refuse."""
        ...

    def usage(self, account: str, *, since: float) -> Tally:
        """Grants recorded at or after ``since`` (``granted`` is true when any remain)."""
        ...

    def close(self) -> None:
        """Release connections (the store may be used again afterwards)."""
        ...


class CheckedStore(abc.ABC):
    """A :class:`QuotaStore` whose public methods check their arguments (only
    :class:`QuotaConfigError` escapes for bad ones) and hand them on, typed, to
    :meth:`_charge` and :meth:`_usage`: what each built-in store does in its own way."""

    url: str

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        """See :meth:`QuotaStore.charge`."""
        return self._charge(
            *checked(account, resource, limit=limit, since=since, now=now, repeat=free_repeat)
        )

    def usage(self, account: str, *, since: float) -> Tally:
        """See :meth:`QuotaStore.usage`."""
        return self._usage(text(account, "account"), instant(since, "since", infinite=True))

    @abc.abstractmethod
    def _charge(  # noqa: PLR0917 - charge's arguments, checked
        self, account: str, resource: str, limit: int, since: float, now: float, free_repeat: bool
    ) -> Tally:
        """:meth:`charge` with checked arguments (``since`` may be ``-inf``)."""

    @abc.abstractmethod
    def _usage(self, account: str, since: float) -> Tally:
        """:meth:`usage` with checked arguments (``since`` may be ``-inf``)."""


def finite(since: float) -> float:
    return _LOWEST if math.isinf(since) else since


def open_store(url: str | QuotaStore, factories: Mapping[str, Callable[[str], Any]]) -> QuotaStore:
    """The store named by ``url`` using the registered ``scheme → factory`` map."""
    if not isinstance(url, str):
        if isinstance(url, QuotaStore):
            return url
        raise QuotaConfigError(f"store must be a URL or a QuotaStore, not {type(url).__name__}")
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise QuotaConfigError(f"{url!r} is not a store URL; try 'memory://' or 'sqlite:///q.db'")
    factory = factories.get(scheme.lower())
    if factory is None:
        raise QuotaConfigError(
            f"no quota store for {scheme!r} URLs; registered schemes: "
            f"{', '.join(sorted(factories))}"
        )
    store = factory(url)
    if not isinstance(store, QuotaStore):
        raise QuotaConfigError(f"the {scheme!r} store factory did not return a QuotaStore")
    return store
