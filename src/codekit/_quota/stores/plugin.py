"""The wrapper around a store a third-party plugin opened.

A plugin's store may fail in ways codekit's own stores never do: a ``KeyError`` from a bug,
an exception of its own client library, ``sys.exit()``. Its :class:`QuotaStoreError`
passes through (``fail_open`` acts on it), and so does any other
:class:`~codekit.exceptions.CodekitError`; anything else becomes a
:class:`~codekit.exceptions.PluginError` naming the plugin, as a failing quota policy does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from codekit._plugin.loading import blamed
from codekit._quota.stores.base import QuotaStore, Tally
from codekit.exceptions import PluginError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["PluginStore"]

_T = TypeVar("_T")


class PluginStore:
    """A :class:`QuotaStore` that contains what the wrapped plugin store raises."""

    def __init__(self, store: QuotaStore, plugin: str) -> None:
        self.store = store
        self.plugin = plugin
        self.url = str(store.url)

    def __repr__(self) -> str:
        return f"PluginStore({self.url!r}, plugin={self.plugin!r})"

    def _call(self, what: str, call: Callable[[], _T]) -> _T:
        with blamed(self.plugin, f"its quota store {self.url!r} failed in {what}"):
            return call()

    def _tally(self, what: str, call: Callable[[], object]) -> Tally:
        tally = self._call(what, call)
        if not isinstance(tally, Tally):
            raise PluginError(
                self.plugin,
                f"its quota store {self.url!r} answered {what} with "
                f"{type(tally).__name__}, not a codekit.quota.Tally",
            )
        return tally

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
        return self._tally(
            "charge",
            lambda: self.store.charge(
                account, resource, limit=limit, since=since, now=now, free_repeat=free_repeat
            ),
        )

    def usage(self, account: str, *, since: float) -> Tally:
        return self._tally("usage", lambda: self.store.usage(account, since=since))

    def close(self) -> None:
        self._call("close", self.store.close)
