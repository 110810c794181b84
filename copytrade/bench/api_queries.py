"""The leaderboard requests of ``bench api``: a fixed, seeded mix where most traffic is popular.

A pool of distinct queries is drawn from browsing habits (the 30-day ROI
ranking first; periods, sorts and pages 1–5 weighted towards the front; a
filter on one request in five), in order of first appearance, so the popular
ones come first. Requests then pick from the pool by Zipf's law (the k-th
query weighs 1/k): the default page is the most requested, a long tail is
asked for now and then.
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

from copytrade.bench.stats_requests import leaderboard_queries
from copytrade.bench.stats_target import LeaderboardQuery

PERIODS = {"30d": 50, "7d": 20, "90d": 15, "all": 15}
SORTS = {"roi": 40, "pnl": 15, "followers": 10, "win_rate": 10, "drawdown": 8, "sharpe": 7,
         "aum": 5, "copier_pnl": 5}  # fmt: skip
PAGES = {1: 60, 2: 20, 3: 10, 4: 6, 5: 4}
FILTERED_SHARE = 0.2
FIELDS = ("min_aum", "min_followers", "max_drawdown", "risk_level", "strategy",
          "min_track_record_days")  # fmt: skip


def _weighted(rng: random.Random, weights: dict[str, int] | dict[int, int]) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _one(rng: random.Random, filtered: LeaderboardQuery) -> str:
    params: dict[str, object] = {
        "period": _weighted(rng, PERIODS),
        "sort": _weighted(rng, SORTS),
        "page": _weighted(rng, PAGES),
    }
    if rng.random() < FILTERED_SHARE:
        chosen = [name for name in FIELDS if getattr(filtered, name) is not None]
        if chosen:
            name = rng.choice(chosen)
            value = getattr(filtered, name)
            params[name] = getattr(value, "value", value)
    return "/api/v1/leaderboard?" + urlencode(params)


def query_pool(seed: int, size: int) -> list[str]:
    """``size`` distinct request targets, the most popular first (the default page first)."""
    rng = random.Random(f"{seed}:api-pool")
    pool = ["/api/v1/leaderboard?period=30d&sort=roi&page=1"]
    filters = leaderboard_queries(random.Random(f"{seed}:api-filters"), 50 * size + 100)
    for filtered in filters:
        if len(pool) >= size:
            break
        target = _one(rng, filtered)
        if target not in pool:
            pool.append(target)
    return pool


def request_mix(seed: int, pool: list[str], count: int) -> list[str]:
    """``count`` requests drawn from ``pool`` by Zipf's law (weight 1/rank)."""
    rng = random.Random(f"{seed}:api-mix")
    weights = [1 / rank for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights=weights, k=count)
