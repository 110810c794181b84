"""The ``bench stats`` generator: deterministic, and each record consistent with itself."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from copytrade.bench.stats_data import (
    DEPOSIT,
    INSTRUMENTS,
    START,
    StatsDataConfig,
    equity_series,
    generate,
    generate_provider,
    make_trade,
)
from copytrade.bench.stats_requests import leaderboard_queries
from copytrade.domain.ids import AccountId
from copytrade.domain.trades import PositionSide

CONFIG = StatsDataConfig(providers=8, trades=120, days=30)


def test_a_provider_is_the_same_whatever_the_seeded_run_and_the_population_size() -> None:
    small = StatsDataConfig(providers=4, trades=120, days=30)
    assert generate_provider(CONFIG, 3) == generate_provider(CONFIG, 3)
    assert generate_provider(CONFIG, 3) == generate_provider(small, 3)
    assert list(generate(small)) == list(generate(CONFIG))[:4]


def test_another_seed_gives_another_record() -> None:
    other = StatsDataConfig(providers=8, trades=120, days=30, seed=6)
    assert generate_provider(CONFIG, 0).trades != generate_provider(other, 0).trades


@pytest.mark.parametrize("index", range(CONFIG.providers))
def test_the_equity_series_is_the_deposit_plus_each_days_realized_pnl(index: int) -> None:
    record = generate_provider(CONFIG, index)
    assert len(record.trades) == CONFIG.trades
    assert [p.day for p in record.equity] == [
        START.date() + timedelta(days=d) for d in range(CONFIG.days)
    ]
    assert [p.net_flow for p in record.equity] == [DEPOSIT] + [Decimal(0)] * (CONFIG.days - 1)
    # Cross-check in exact fractions: every day's close is the deposit plus the PnL
    # of every trade closed on or before that day.
    for point in record.equity:
        closed = [t.pnl for t in record.trades if t.closed_at.date() <= point.day]
        assert Fraction(point.equity) == Fraction(DEPOSIT) + sum(map(Fraction, closed))
        assert point.equity >= 0
    total = sum((t.pnl for t in record.trades), Decimal(0))
    assert record.equity[-1].equity == DEPOSIT + total


@pytest.mark.parametrize("index", range(CONFIG.providers))
def test_every_trade_is_a_consistent_round_trip_inside_the_window(index: int) -> None:
    record = generate_provider(CONFIG, index)
    end = START + timedelta(days=CONFIG.days)
    closes = [t.closed_at for t in record.trades]
    assert closes == sorted(closes)
    for trade in record.trades:
        instrument = INSTRUMENTS[trade.symbol]
        assert START <= trade.opened_at <= trade.closed_at < end
        assert trade.cost == trade.qty * trade.entry_price
        direction = 1 if trade.side is PositionSide.LONG else -1
        assert trade.pnl == (trade.exit_price - trade.entry_price) * trade.qty * direction - (
            trade.fees
        )
        assert trade.qty % instrument.lot_step == 0 and trade.entry_price % instrument.tick == 0
        # Money the ledger can hold: at most the quote currency's 8 decimals.
        assert trade.pnl == trade.pnl.quantize(Decimal("1e-8"))
        if trade.is_spot:
            assert trade.side is PositionSide.LONG and trade.leverage == 1
        else:
            assert 1 <= trade.leverage <= 20


def test_followers_are_bounded_and_their_money_is_in_whole_cents() -> None:
    followers = [f for record in generate(CONFIG) for f in record.followers]
    assert followers  # 8 providers with 0–20 followers each: none at all would be a bug
    for record in generate(CONFIG):
        assert len(record.followers) <= CONFIG.max_followers
    for follower in followers:
        assert follower.status in {"active", "paused", "stopped"}
        assert 500 <= follower.allocation <= 10000
        assert abs(follower.pnl) <= follower.allocation * Decimal("0.2")
        assert follower.pnl == follower.pnl.quantize(Decimal("0.01"))


def test_a_trade_loses_less_than_a_fifth_of_even_a_tiny_equity() -> None:
    rng = random.Random(1)
    for equity in (Decimal(10000), Decimal(50), Decimal("0.5")):
        for _ in range(200):
            trade = make_trade(rng, AccountId("p"), equity, 3600, False, 20, edge=-0.05)
            assert -trade.pnl < equity / 5


def test_the_series_of_no_trades_is_flat_at_the_deposit() -> None:
    points = equity_series([], 3)
    assert [p.equity for p in points] == [DEPOSIT] * 3


def test_leaderboard_requests_cover_every_period_and_sort_and_are_reproducible() -> None:
    queries = list(leaderboard_queries(random.Random(5), 500))
    assert queries == list(leaderboard_queries(random.Random(5), 500))
    assert {q.period for q in queries} == {"7d", "30d", "90d", "all"}
    assert len({q.sort for q in queries}) == 8
    assert {q.page for q in queries} == {1, 2, 3, 4, 5}
    filtered = sum(q.risk_level is not None for q in queries)
    assert 100 < filtered < 200  # about 30 % of 500
