"""``bench fanout``'s derived figures: targets, their verdicts, the databases it takes."""

from __future__ import annotations

import pytest

from copytrade.bench.databases import check_database_url, is_postgres, with_search_path
from copytrade.bench.fanout import peak_rss_mb, targets_for, within


def test_the_floor_target_loosens_to_ten_times_from_100000_followers() -> None:
    assert targets_for(10_000) == {
        "p50_floor_ratio": 8.0,
        "close_floor_ratio": 8.0,
        "naive_speedup": 100.0,
    }
    assert targets_for(99_999)["p50_floor_ratio"] == 8.0
    assert targets_for(100_000)["p50_floor_ratio"] == 10.0
    assert targets_for(100_000)["close_floor_ratio"] == 10.0
    assert targets_for(100_000)["naive_speedup"] == 100.0


def test_floor_ratios_are_upper_limits_and_the_speedup_a_lower_one() -> None:
    assert within("p50_floor_ratio", 8.0, 8.0) and not within("p50_floor_ratio", 8.1, 8.0)
    assert within("close_floor_ratio", 3.0, 8.0)
    assert within("naive_speedup", 100.0, 100.0) and not within("naive_speedup", 99.9, 100.0)


def test_peak_rss_is_this_process_in_mib() -> None:
    assert 10 < peak_rss_mb() < 100_000


def test_search_path_is_added_to_the_url_query() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert with_search_path(url, "bench_1") == f"{url}?options=-csearch_path%3Dbench_1"
    assert with_search_path(f"{url}?sslmode=disable", "b").endswith(
        "?sslmode=disable&options=-csearch_path%3Db"
    )


@pytest.mark.parametrize("url", ["sqlite:///x.db", "mysql://host/db", ""])
def test_only_postgres_urls_are_taken(url: str) -> None:
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        check_database_url(url)


def test_no_url_and_postgres_urls_are_taken() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    check_database_url(None)  # raises on a refusal
    check_database_url(url)
    assert is_postgres(url) and not is_postgres(None)
