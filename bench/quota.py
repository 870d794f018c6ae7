"""Quota charging speed per store, side by side with the ``limits`` rate-limiting library.

codekit records every grant (free re-opens and rolling windows need them) inside one atomic
step; ``limits``' fixed window keeps one counter. Also: the cost of building a code page.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def _rate(fn: Callable[[int], object], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


@contextlib.contextmanager
def _redis(folder: Path) -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    import codekit
    from codekit.quota import (
        Allowance,
        Client,
        MemoryStore,
        Principal,
        RedisStore,
        Resource,
        SqliteStore,
    )

    class Big:
        name = "bench"

        def allowance(self, principal: Principal, resource: Resource) -> Allowance:
            return Allowance(limit=10**9)

    def ours(store: object) -> Callable[[int], object]:
        client = Client(Principal("bench"), policy=Big(), store=store)  # type: ignore[arg-type]
        return lambda i: client.charge(Resource("cpt", f"{i:05d}"))

    def theirs(url: str) -> Callable[[int], object] | None:
        try:
            import limits
            import limits.storage
            import limits.strategies
        except ImportError:
            return None
        limiter = limits.strategies.FixedWindowRateLimiter(limits.storage.storage_from_string(url))
        item = limits.RateLimitItemPerDay(10**9)
        return lambda i: limiter.hit(item, "bench")

    rows: list[tuple[str, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp, _redis(Path(tmp)) as redis_url:
        rows.append(("memory", _rate(ours(MemoryStore()), 5000), _maybe(theirs("memory://"), 5000)))
        rows.append(("sqlite file", _rate(ours(SqliteStore(Path(tmp) / "q.db")), 2000), None))
        if redis_url is not None:
            rows.append(
                ("redis", _rate(ours(RedisStore(redis_url)), 2000), _maybe(theirs(redis_url), 2000))
            )
    print(f"{'store':12} {'codekit charges/s':>18} {'limits hits/s':>14} {'ratio':>7}")
    for name, mine, peer in rows:
        ratio = f"{mine / peer:7.2f}" if peer else "      -"
        peer_text = f"{peer:14.0f}" if peer else f"{'-':>14}"
        print(f"{name:12} {mine:18.0f} {peer_text} {ratio}")

    codekit.page("E11.9")
    n = 50
    start = time.perf_counter()
    for _ in range(n):
        codekit.page("E11.9")
    per_page = (time.perf_counter() - start) / n * 1000
    start = time.perf_counter()
    for _ in range(n):
        codekit.page("0628T")
    cpt_page = (time.perf_counter() - start) / n * 1000
    print(f"\ncodekit.page('E11.9'), warm: {per_page:.2f} ms; page('0628T'): {cpt_page:.2f} ms")


def _maybe(fn: Callable[[int], object] | None, n: int) -> float | None:
    return _rate(fn, n) if fn is not None else None
