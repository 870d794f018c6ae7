"""Quota policies, stores and the Client: the seed site's rules, windows, atomic counting."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codekit
from codekit._quota.stores import MemoryStore, SqliteStore
from codekit.exceptions import (
    CodekitError,
    InvalidCodeError,
    PluginError,
    QuotaConfigError,
    QuotaExceededError,
    QuotaStoreError,
    QuotaWarning,
)
from codekit.plugins import Registrar, hookimpl
from codekit.quota import (
    Allowance,
    Client,
    Principal,
    Resource,
    Tally,
    TieredPolicy,
    Window,
    policies,
)
from codekit.testing import isolated_registry

REQUIRE_REDIS = "CODEKIT_REQUIRE_REDIS"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server of our own on a free loopback port; yields its URL, stops it after.

    Skips when the binary is absent, unless ``CODEKIT_REQUIRE_REDIS=1`` (CI), which fails.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get(REQUIRE_REDIS) == "1":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_WORKER = """
import sys
from codekit._quota.model import Allowance
from codekit._quota.stores import redis_store, sqlite_store
from codekit.exceptions import QuotaExceededError
from codekit.quota import Client, Principal, Resource

url, worker, attempts, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


class Fixed:
    name = "fixed"

    def allowance(self, principal, resource):
        return Allowance(limit=limit)


store = {"sqlite": sqlite_store, "redis": redis_store}[url.partition(":")[0]](url)
client = Client(Principal("crowd"), policy=Fixed(), store=store)
sys.stdin.readline()  # wait for the start signal so every process races
granted = 0
for attempt in range(attempts):
    try:
        client.charge(Resource("cpt", f"{worker:02d}{attempt:03d}"))
    except QuotaExceededError:
        continue
    granted += 1
print(granted)
"""


def hammer(url: str, *, processes: int = 8, attempts: int = 100, limit: int = 50) -> list[int]:
    """``processes`` separate Python processes each try ``attempts`` charges at once against
    one account of limit ``limit`` in the store ``url``; returns each process's grants."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, str(n), str(attempts), str(limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    time.sleep(0.5)  # let every process import codekit before the start signal
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    grants = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, f"worker failed with exit code {worker.returncode}"
        grants.append(int(out))
    return grants


# Seed site, quoted: "Guest accounts are limited to 1 page view. Register free account to get
# 5 more views." Paid accounts are unlimited.
SEED_MESSAGE = "Register a free account to get 5 more views."
CODES = ["0627T", "0628T", "99213", "99214", "99215", "10004", "70010", "80047"]


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta).total_seconds()


@pytest.fixture(autouse=True)
def _registry_of_builtins() -> Iterator[None]:
    """Only the plugins these tests need: CPT and ICD-10-CM numbers and the quota built-ins."""
    from codekit._codesets import cpt, icd10cm
    from codekit._quota import plugin
    from codekit.testing import isolated_registry

    with isolated_registry(cpt, icd10cm, plugin, builtins=False):
        yield


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def opened(client: Client, codes: list[str]) -> int:
    count = 0
    for code in codes:
        try:
            client.page(code)
        except QuotaExceededError:
            break
        count += 1
    return count


def test_guest_gets_one_page_with_the_seed_message(store: MemoryStore) -> None:
    client = codekit.Client(codekit.Principal("visitor"), store=store)
    assert client.remaining() == 1
    client.page("0628T")
    assert client.remaining() == 0
    with pytest.raises(QuotaExceededError) as refused:
        client.page("0627T")
    error = refused.value
    assert (error.limit, error.remaining, error.resets_at) == (1, 0, None)
    assert error.upgrade == SEED_MESSAGE
    assert str(error).startswith("Guest accounts are limited to 1 page view.")
    assert isinstance(error, PermissionError)


def test_registering_adds_five_more_and_paid_is_unlimited(store: MemoryStore) -> None:
    guest = Client(Principal("u1"), store=store)
    guest.page("0628T")
    registered = Client(Principal("u1", tier="registered"), store=store)
    assert registered.remaining() == 5  # 6 in all, 1 already used as a guest
    assert opened(registered, CODES) == 5
    fresh = Client(Principal("u2", tier="registered"), store=store)
    assert opened(fresh, CODES) == 6
    paid = Client(Principal("u3", tier="paid"), store=store)
    assert opened(paid, CODES * 3) == 24
    assert paid.remaining() is None


@pytest.mark.parametrize("spelling", ["0628t", " 0628T ", "0628T", "\t0628t\n"])
def test_spelling_does_not_dodge_the_quota(store: MemoryStore, spelling: str) -> None:
    policy = TieredPolicy(limits={"guest": 1}, free_repeat=True)
    client = Client(Principal("v"), policy=policy, store=store)
    client.page("0628T")
    client.page(spelling)  # the same page again: free with free_repeat
    assert client.remaining() == 0
    strict = Client(Principal("w"), store=store)
    strict.page("0628T")
    with pytest.raises(QuotaExceededError):
        strict.page(spelling)  # without free_repeat: a second view, refused


def test_bad_input_is_refused_before_charging(store: MemoryStore) -> None:
    client = Client(Principal("v"), store=store)
    with pytest.raises(InvalidCodeError):
        client.page("not a code!")
    assert client.remaining() == 1


def test_free_repeat_inside_the_window_only(store: MemoryStore) -> None:
    clock = FakeClock(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
    policy = TieredPolicy(limits={"guest": 2}, window="day", free_repeat=True)
    client = Client(Principal("v"), policy=policy, store=store, clock=clock)
    client.page("0628T")
    client.page("0628t")
    assert client.remaining() == 1
    clock.advance(days=1)
    assert client.remaining() == 2
    client.page("0628T")  # a new day: a new charge
    assert client.remaining() == 1


def test_day_window_resets_at_utc_midnight(store: MemoryStore) -> None:
    clock = FakeClock(dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC))
    client = Client(
        Principal("v"), policy=TieredPolicy(window=Window.day()), store=store, clock=clock
    )
    client.page("0628T")
    with pytest.raises(QuotaExceededError) as refused:
        client.page("0627T")
    assert refused.value.resets_at == dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    assert "per day" in str(refused.value)
    clock.advance(minutes=31)
    client.page("0627T")


def test_month_window_resets_on_the_first(store: MemoryStore) -> None:
    clock = FakeClock(dt.datetime(2024, 2, 29, 8, tzinfo=dt.UTC))  # leap day
    client = Client(Principal("v"), policy=TieredPolicy(window="month"), store=store, clock=clock)
    client.page("0628T")
    status = client.status()
    assert not status.granted
    assert status.resets_at == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def test_rolling_window_gives_back_the_oldest_view(store: MemoryStore) -> None:
    clock = FakeClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    policy = TieredPolicy(limits={"guest": 2}, window=Window.rolling(24))
    client = Client(Principal("v"), policy=policy, store=store, clock=clock)
    client.page("0628T")
    clock.advance(hours=10)
    client.page("0627T")
    with pytest.raises(QuotaExceededError) as refused:
        client.page("99213")
    assert refused.value.resets_at == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    clock.advance(hours=14)  # the first view leaves the window
    assert client.remaining() == 1
    client.page("99213")


def test_window_parsing_and_validation() -> None:
    assert Window.parse("rolling:6h") == Window.rolling(6)
    assert Window.parse("Rolling 1 hour").phrase == "per hour"
    with pytest.raises(ValueError, match="rolling"):
        Window.parse("fortnight")
    with pytest.raises(ValueError, match="positive"):
        Window.rolling(0)


class _DailyPolicy:
    """A plugin author's policy, written as the issue reported it: ``window="day"``."""

    def __init__(self, window: str) -> None:
        self.window = window

    def allowance(self, principal: Principal, resource: Resource) -> Allowance:
        return Allowance(limit=1, window=self.window)


@pytest.mark.parametrize("spelling", ["day", "Daily", " per day "])
def test_an_allowance_takes_a_window_by_name(store: MemoryStore, spelling: str) -> None:
    # Window.day()'s documented meaning: a UTC calendar day, reset at midnight UTC.
    clock = FakeClock(dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC))
    client = Client(Principal("v"), policy=_DailyPolicy(spelling), store=store, clock=clock)
    client.page("0628T")
    with pytest.raises(QuotaExceededError) as refused:
        client.page("0627T")
    assert refused.value.resets_at == dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    clock.advance(minutes=31)
    client.page("0627T")


def test_window_spellings_and_what_a_wrong_one_says() -> None:
    assert Allowance(limit=1, window="monthly").window == Window.month()
    assert Allowance(limit=1, window="24h").window == Window.rolling(24)
    assert Allowance(limit=1, window="rolling 36 hours").window == Window.rolling(36)
    assert Allowance(limit=1, window="forever").window == Window.lifetime()
    for wrong in ("weekly", "", None, 7, "9" * 100):
        with pytest.raises(QuotaConfigError, match=r"'lifetime', 'day', 'month'.*Window\.day"):
            Allowance(limit=1, window=wrong)  # type: ignore[arg-type]
    for limit in (-1, True, "5", 1.5):
        with pytest.raises(QuotaConfigError, match="non-negative int"):
            Allowance(limit=limit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("",), {}), (("   ",), {}), ((None,), {}), ((42,), {}), (("u1",), {"tier": ""})],
)
def test_a_principal_without_an_id_or_tier_is_a_clear_codekit_error(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    with pytest.raises(CodekitError, match=r"non-empty string.*Principal\('user-42'"):
        Principal(*args, **kwargs)  # type: ignore[arg-type]


def test_unknown_tier_policy_and_scheme_say_what_exists(store: MemoryStore) -> None:
    client = Client(Principal("v", tier="gold"), store=store)
    with pytest.raises(QuotaConfigError, match="guest, registered, paid"):
        client.page("0628T")
    with pytest.raises(QuotaConfigError, match="default"):
        Client(Principal("v"), policy="no-such-policy")
    with pytest.raises(QuotaConfigError, match="memory, redis"):
        Client(Principal("v"), store="ftp://example")
    with pytest.raises(QuotaConfigError, match="Principal"):
        Client("v")  # type: ignore[arg-type]


def test_memory_url_names_one_process_wide_store() -> None:
    name = "memory://test-shared"
    Client(Principal("shared"), store=name).page("0628T")
    assert Client(Principal("shared"), store=name).remaining() == 0
    assert Client(Principal("shared"), store="memory://test-other").remaining() == 1


def test_builtin_policy_is_registered_and_configurable() -> None:
    assert isinstance(policies()["default"], TieredPolicy)
    policy = TieredPolicy(
        limits={"anonymous": 3, "member": 10, "sponsor": None},
        messages={"anonymous": "Sign in for more."},
    )
    assert policy.upgrade_message("anonymous") == "Sign in for more."
    assert policy.upgrade_message("member") == "Upgrade to a sponsor account for unlimited views."
    assert policy.upgrade_message("sponsor") == ""
    assert policy.allowance(Principal("x", tier="member"), Resource("cpt", "0628T")).limit == 10


def test_sqlite_store_counts_across_clients(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quota.db'}"
    Client(Principal("v"), store=url).page("0628T")
    again = Client(Principal("v", tier="registered"), store=url)
    assert again.remaining() == 5
    rows = sqlite3.connect(tmp_path / "quota.db").execute(
        "SELECT account, resource FROM codekit_quota"
    )
    assert list(rows) == [("default:pages:v", "cpt:0628T")]


def test_unreachable_stores_fail_closed_or_open(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no-such-folder' / 'quota.db'}"
    with pytest.raises(QuotaStoreError, match="does not exist"):
        Client(Principal("v"), store=missing).page("0628T")
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    closed = Client(Principal("v"), store=dead_redis)
    with pytest.raises(QuotaStoreError, match="ConnectionError"):
        closed.page("0628T")
    is_open = Client(Principal("v"), store=dead_redis, fail_open=True)
    with pytest.warns(QuotaWarning, match="fail_open"):
        assert is_open.page("0628T").code == "0628T"
    with pytest.warns(QuotaWarning, match="fail_open"):
        assert is_open.remaining() == 1
    with pytest.raises(QuotaStoreError):
        closed.remaining()
    with pytest.raises(QuotaConfigError, match="Redis URL"):
        Client(Principal("v"), store="redis://127.0.0.1:notaport/0").remaining()


def test_fail_closed_when_the_sqlite_file_is_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "quota.db"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(QuotaStoreError, match="DatabaseError"):
        Client(Principal("v"), store=SqliteStore(bogus)).remaining()


@pytest.mark.slow
def test_sqlite_store_grants_exactly_the_limit_under_concurrency(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quota.db'}"
    assert sum(hammer(url)) == 50
    rows = sqlite3.connect(tmp_path / "quota.db").execute("SELECT COUNT(*) FROM codekit_quota")
    assert rows.fetchone() == (50,)


@pytest.mark.slow
def test_redis_store_grants_exactly_the_limit_under_concurrency(tmp_path: Path) -> None:
    import redis

    with redis_server(tmp_path) as url:
        assert sum(hammer(url)) == 50
        client = redis.Redis.from_url(url)
        assert client.zcard("codekit:quota:{fixed:pages:crowd}:events") == 50
        client.close()


def test_redis_store_applies_the_policy(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        clock = FakeClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        policy = TieredPolicy(limits={"guest": 2}, window="rolling 1h", free_repeat=True)
        client = Client(Principal("r"), policy=policy, store=url, clock=clock)
        client.page("0628T")
        client.page(" 0628t ")
        assert client.remaining() == 1
        client.page("0627T")
        with pytest.raises(QuotaExceededError) as refused:
            client.page("99213")
        assert refused.value.resets_at == dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC)
        clock.advance(hours=1)
        assert client.remaining() == 2
        registered = Client(Principal("r2", tier="registered"), store=url)
        assert opened(registered, CODES) == 6
        client.close()


def test_custom_policy_object_and_allowance_counter(store: MemoryStore) -> None:
    class PerCodeSet:
        name = "per-code-set"

        def allowance(self, principal: Principal, resource: Resource) -> Allowance:
            return Allowance(limit=1, counter=resource.code_set)

    client = Client(Principal("v"), policy=PerCodeSet(), store=store)
    client.page("0628T")
    client.page("E11.9")  # another counter
    with pytest.raises(QuotaExceededError):
        client.page("0627T")
    assert repr(client).startswith("Client(Principal(id='v'")


def test_memory_store_grants_exactly_the_limit_across_threads(store: MemoryStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from codekit.quota import Allowance

    class Fixed:
        def allowance(self, principal: Principal, resource: Resource) -> Allowance:
            return Allowance(limit=50)

    client = Client(Principal("crowd"), policy=Fixed(), store=store)

    def attempts(worker: int) -> int:
        granted = 0
        for attempt in range(100):
            try:
                client.charge(Resource("cpt", f"{worker:02d}{attempt:03d}"))
            except QuotaExceededError:
                continue
            granted += 1
        return granted

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(attempts, range(8))) == 50
    assert client.status().used == 50


class _BadPolicies:
    """A plugin whose quota policies fail: one exits, one answers with a number."""

    __name__ = "bad_policies"

    class Exits:
        def allowance(self, principal: Principal, resource: Resource) -> Allowance:
            raise SystemExit(2)

    class Garbage:
        def allowance(self, principal: Principal, resource: Resource) -> Allowance:
            return 5  # type: ignore[return-value]

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_quota_policy("exits", self.Exits())
        registrar.add_quota_policy("garbage", self.Garbage())
        registrar.add_quota_store("broken", self.store)

    @staticmethod
    def store(url: str) -> MemoryStore:
        raise ConnectionError(f"cannot reach {url}")


def test_a_failing_plugin_policy_or_store_is_named(store: MemoryStore) -> None:
    from codekit._codesets import cpt
    from codekit._quota import plugin

    with isolated_registry(cpt, plugin, _BadPolicies(), builtins=False):
        exits = Client(Principal("v"), policy="exits", store=store)
        with pytest.raises(PluginError, match=r"bad_policies.*'exits'.*sys\.exit\(2\)"):
            exits.page("0628T")
        garbage = Client(Principal("v"), policy="garbage", store=store)
        with pytest.raises(PluginError, match=r"bad_policies.*returned int, not .*Allowance"):
            garbage.remaining()
        with pytest.raises(PluginError, match=r"bad_policies.*cannot reach broken://x"):
            Client(Principal("v"), store="broken://x")
        assert Client(Principal("v"), store=store).remaining() == 1


_ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3
    ),
    st.sampled_from(["day", "rolling 5h", "9999999h", "memory://", "sqlite:///\x00", "default"]),
)


def _only_codekit_errors(build: Callable[[], object]) -> None:
    with contextlib.suppress(CodekitError):
        build()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ANYTHING, _ANYTHING, _ANYTHING, _ANYTHING)
def test_quota_values_and_clients_raise_only_codekit_errors(a: Any, b: Any, c: Any, d: Any) -> None:
    _only_codekit_errors(lambda: Window(a, b))
    _only_codekit_errors(lambda: Window.parse(a).resets_at(0.0, None))
    _only_codekit_errors(lambda: Allowance(limit=a, window=b, upgrade=c, counter=d))
    _only_codekit_errors(
        lambda: TieredPolicy(limits=a, window=b, messages=c).allowance(
            Principal("p"), Resource("cpt", "0628T")
        )
    )
    _only_codekit_errors(lambda: Principal(a, b))
    _only_codekit_errors(lambda: Client(a))
    _only_codekit_errors(lambda: Client(Principal("p"), policy=a, store=b).remaining())
    _only_codekit_errors(lambda: Client(Principal("p"), clock=lambda: a).remaining())


class _FaultyStore:
    """A plugin store that opens but fails inside its methods (not with QuotaStoreError)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def charge(self, account: str, resource: str, **_: object) -> Tally:
        raise KeyError(account)

    def usage(self, account: str, *, since: float) -> Tally:
        raise SystemExit(3)

    def close(self) -> None:
        raise OSError("socket already closed")


class _FaultyStores:
    __name__ = "faulty_stores"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_quota_store("faulty", _FaultyStore)


def test_a_plugin_store_failing_inside_is_contained_and_named() -> None:
    """Reproduces issue 12: a plugin store raising anything but QuotaStoreError escaped."""
    from codekit._codesets import cpt
    from codekit._quota import plugin

    with isolated_registry(cpt, plugin, _FaultyStores(), builtins=False):
        client = Client(Principal("v"), store="faulty://x")
        with pytest.raises(PluginError, match=r"faulty_stores.*faulty://x.*KeyError"):
            client.page("0628T")
        with pytest.raises(PluginError, match=r"faulty_stores.*sys\.exit\(3\)"):
            client.remaining()
        with pytest.raises(PluginError, match=r"faulty_stores.*socket already closed"):
            client.close()
        # a built-in store's own errors stay what they are
        assert Client(Principal("v"), store="memory://faulty-check").remaining() == 1
