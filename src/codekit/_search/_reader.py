"""An open search index file: the words, head terms and rows a query reads.

Opened read-only and ``immutable`` (the file is never written again: a new index is a new
file), through a memory map; what queries ask again (rows, compiled words, head-term
answers) is remembered by the open index. :mod:`codekit._search._index` finds, builds and
keeps the files; :mod:`codekit._search._build` writes them.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from codekit._search._build import INDEX_VERSION, deletions
from codekit._search._text import stem
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._registry import Release

__all__ = ["SearchIndex"]

#: How many rows of query answers an open index remembers (past it, all are dropped), and
#: the largest answer it remembers (rows, and characters of query parameters): keystrokes
#: ask small questions again, while a large page or a long query would only fill memory.
#: Counted in rows, not answers: a word check of one row costs what it holds, so the many
#: small answers of a typing session (about 5,000 for the bench's 3,400 keystrokes) stay.
_RESULT_ROWS = 65536
_REMEMBERED_ROWS = 512
_REMEMBERED_TEXT = 2048

#: Bytes of an index file read through a memory map (the whole packaged index fits).
_MMAP = 512 << 20


class SearchIndex:
    """An open, read-only index of one or more releases (one of each code set).

    ``releases[cs]`` is the release of the rows whose ``cs`` is that number; ``sets`` maps
    each code set name to its number.
    """

    def __init__(self, con: sqlite3.Connection, releases: Sequence[Release], label: str) -> None:
        self.releases = tuple(releases)
        self.sets = {r.info.code_set: cs for cs, r in enumerate(self.releases)}
        self.label = label
        self._con = con
        self._lock = threading.Lock()
        rows = con.execute("SELECT word, df FROM vocab ORDER BY word").fetchall()
        self.words: list[str] = [w for w, _ in rows]
        self.df: dict[str, int] = dict(rows)
        #: The length of the longest word: a longer word is no word's typo.
        self.longest = max((len(w) for w in self.words), default=0)
        self.docs: int = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        #: Query words compiled for this index (see ``_plan._Plan``); the index never
        #: changes, so neither do they.
        self.compiled: dict[Any, Any] = {}
        #: Rows of recent queries (see :meth:`query`), and how many rows they hold.
        self.results: dict[tuple[Any, ...], list[Any]] = {}
        self._result_rows = 0
        self._heads: dict[str, tuple[tuple[int, int], ...]] | None = None
        self._head_firsts: dict[int, tuple[list[str], frozenset[str]]] | None = None
        #: Answers of the head-term ranking (see ``_heads``), remembered as ``compiled``.
        self.head_memo: dict[Any, Any] = {}

    @classmethod
    def open(cls, path: Path, releases: Sequence[Release]) -> SearchIndex:
        uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            # Pages read through a memory map, as the datasets are: a query then costs no
            # read() calls (the file is never written again: a new index is a new file).
            con.execute(f"PRAGMA mmap_size = {_MMAP}")
            version = con.execute("SELECT value FROM meta WHERE key = 'index_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DataError(
                f"search index {path.name} is unreadable ({exc}); delete it to rebuild it"
            ) from exc
        if version is None or json.loads(version[0]) != INDEX_VERSION:
            con.close()
            raise DataError(f"search index {path.name} has another format; delete it")
        return cls(con, releases, path.name)

    # -- words ----------------------------------------------------------------------------
    def head_firsts(self, k: int) -> tuple[list[str], frozenset[str]]:
        """The first words of the head terms of ``k`` counted words (the ``head_terms``
        table, read whole on first use), in order, and the set of their stems."""
        firsts = self._head_firsts
        if firsts is None:
            table: dict[int, list[str]] = {}
            for n, word in self.query_once("SELECT k, word FROM head_terms ORDER BY k, word"):
                table.setdefault(n, []).append(word)
            firsts = self._head_firsts = {
                n: (words, frozenset(stem(w) for w in words)) for n, words in table.items()
            }
        return firsts.get(k, ([], frozenset()))

    def head_counts(self, word: str) -> tuple[tuple[int, int], ...]:
        """(release number, items) of each release with items whose name starts with
        ``word`` (the ``heads`` table, read whole on first use: a few thousand rows, asked
        about at every keystroke)."""
        heads = self._heads
        if heads is None:
            table: dict[str, tuple[tuple[int, int], ...]] = {}
            for w, cs, n in self.query_once("SELECT word, cs, n FROM heads ORDER BY word, cs"):
                table[w] = (*table.get(w, ()), (cs, n))
            heads = self._heads = table
        return heads.get(word, ())

    def has_word(self, word: str) -> bool:
        return word in self.df

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.words, prefix)
        return i < len(self.words) and self.words[i].startswith(prefix)

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` + 1 words of the index starting with ``prefix``, in order."""
        i = bisect.bisect_left(self.words, prefix)
        out = []
        for word in self.words[i : i + limit + 1]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def corrections(self, word: str) -> list[str]:
        """Words of the index one edit away from ``word`` (most frequent first)."""
        if len(word) > self.longest + 1:
            return []  # one edit changes the length by one at most
        keys = sorted(deletions(word) | {word})
        marks = ",".join("?" * len(keys))
        found = {
            w
            for (w,) in self.query(f"SELECT DISTINCT word FROM spell WHERE del IN ({marks})", keys)
        }
        found |= {w for w in deletions(word) if w in self.df}
        found.discard(word)
        return sorted(found, key=lambda w: (-self.df.get(w, 0), w))

    # -- queries --------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of a query, remembered: the index never changes, and keystrokes ask the
        same again (the words typed before, a word's forms). Callers must not change them."""
        key = (sql, *params)
        found = self.results.get(key)
        if found is not None:
            return found
        found = self.query_once(sql, params)
        if len(found) > _REMEMBERED_ROWS or sum(len(str(p)) for p in params) > _REMEMBERED_TEXT:
            return found
        self._result_rows += len(found) + 1
        if self._result_rows > _RESULT_ROWS:
            self.results.clear()
            self._result_rows = len(found) + 1
        self.results[key] = found
        return found

    def query_once(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of a query, not remembered (for what is read once)."""
        with self._lock:
            try:
                return self._con.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise DataError(f"search index {self.label}: {exc}") from exc

    def forget(self) -> None:
        """Drop what this index remembers of earlier queries."""
        self.results.clear()
        self._result_rows = 0
        self.compiled.clear()
        self.head_memo.clear()
