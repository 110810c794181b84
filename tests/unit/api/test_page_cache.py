"""The leaderboard's page cache: expiry, key normalisation, bound, single flight."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from copytrade.api.page_cache import PageCache, normalised_key, raw_query_key
from copytrade.domain.statistics import Period


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_page_is_served_until_its_ttl_then_computed_again() -> None:
    clock = FakeClock()
    cache = PageCache(1.0, 10, clock)
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return f"page {len(calls)}".encode()

    key = normalised_key(page=1)
    assert cache.get(key) is None
    assert cache.get_or_compute(key, compute) == b"page 1"
    clock.now += 0.999
    assert cache.get(key) == b"page 1"
    assert cache.get_or_compute(key, compute) == b"page 1"
    clock.now += 0.001  # exactly the TTL: stale
    assert cache.get(key) is None
    assert cache.get_or_compute(key, compute) == b"page 2"
    assert len(calls) == 2


def test_keys_normalise_decimals_enums_order_and_unset_parameters() -> None:
    one = normalised_key(period=Period.D30, min_aum=Decimal("1000"), page=1, strategy=None)
    two = normalised_key(page=1, min_aum=Decimal("1000.00"), period="30d")
    assert one == two == (("min_aum", "1000"), ("page", 1), ("period", "30d"))
    assert normalised_key(min_aum=Decimal("1E+3")) == normalised_key(min_aum=Decimal(1000))
    assert normalised_key(page=1) != normalised_key(page=2)
    assert raw_query_key(b"sort=roi&page=1") == raw_query_key(b"page=1&sort=roi")
    assert raw_query_key(b"page=1") != raw_query_key(b"page=2")
    # A repeated name keeps its order: the API reads the last value.
    assert raw_query_key(b"page=1&page=2") != raw_query_key(b"page=2&page=1")


def test_the_cache_holds_at_most_its_bound_dropping_the_oldest() -> None:
    cache = PageCache(60.0, 2, FakeClock())
    for page in (1, 2, 3):
        cache.get_or_compute(normalised_key(page=page), lambda page=page: b"%d" % page)
    assert len(cache) == 2
    assert cache.get(normalised_key(page=1)) is None
    assert cache.get(normalised_key(page=3)) == b"3"


def test_an_alias_expires_with_its_page_not_later() -> None:
    clock = FakeClock()
    cache = PageCache(1.0, 10, clock)
    key, alias = normalised_key(page=1), raw_query_key(b"page=01")
    cache.get_or_compute(key, lambda: b"p")
    clock.now += 0.5
    cache.alias(alias, key)
    assert cache.get(alias) == b"p"
    clock.now += 0.5
    assert cache.get(alias) is None and cache.get(key) is None


def test_ttl_zero_computes_every_time_and_stores_nothing() -> None:
    cache = PageCache(0.0, 10, FakeClock())
    pages = iter([b"a", b"b"])
    key = normalised_key(page=1)
    assert [cache.get_or_compute(key, lambda: next(pages)) for _ in range(2)] == [b"a", b"b"]
    assert len(cache) == 0


def test_concurrent_misses_on_one_key_compute_it_once() -> None:
    cache = PageCache(60.0, 10)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> bytes:
        calls.append(1)
        started.set()
        release.wait(5)
        return b"page"

    key = normalised_key(page=1)
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute(key, slow)))
               for _ in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    assert started.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == [b"page"] * 4 and len(calls) == 1


def test_a_failed_computation_is_not_cached() -> None:
    cache = PageCache(60.0, 10)
    key = normalised_key(page=1)

    def boom() -> bytes:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(key, boom)
    assert cache.get_or_compute(key, lambda: b"ok") == b"ok"


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        PageCache(-1.0, 10)
    with pytest.raises(ValueError):
        PageCache(1.0, 0)
