"""Leaderboard filters, every sort order and pagination, on a generated set of rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.evidence import ReturnMoments, deflated_sharpe
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.stats.leaderboard import (
    LeaderboardFilters,
    LeaderboardSort,
    ProviderCard,
    leaderboard,
)

AS_OF = date(2026, 3, 1)


def _figure(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 10_000, high * 10_000)).scaleb(-4)


def generated(seed: int = 3, count: int = 23) -> list[ProviderStatsRecord]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        trades = rng.choice([0, 3, 12])
        for period in Period:
            records.append(
                ProviderStatsRecord(
                    provider_id=f"p{i:02d}",
                    period=period,
                    display_name=f"provider {i}",
                    share_pct=Decimal(rng.choice([5, 10, 20])),
                    as_of=AS_OF,
                    computed_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
                    ranked=i != 7,  # p07 is below the minimum track record
                    roi=_figure(rng, -50, 200),
                    roi_30d=_figure(rng, -50, 200),
                    pnl=_figure(rng, -5000, 5000),
                    win_rate=_figure(rng, 0, 100) if trades else None,
                    max_drawdown=_figure(rng, 0, 80),
                    sharpe=_figure(rng, -3, 5) if i % 5 else None,
                    sortino=None,
                    profit_factor=None,
                    max_loss_single_trade=None,
                    volatility=None,
                    total_trades=trades,
                    track_record_days=rng.randint(7, 400),
                    avg_holding_s=None,
                    active_followers=rng.randint(0, 50),
                    aum=_figure(rng, 0, 100_000),
                    copier_pnl=_figure(rng, -3000, 3000),
                    risk_level=rng.choice(list(RiskLevel)),
                    strategy=rng.choice(list(Strategy)),
                    sparkline=(Decimal("10000.00"), Decimal("10100.50")),
                    wins=0,
                    gross_profit=Decimal(0),
                    gross_loss=Decimal(0),
                    holding_us=0,
                    spot_trades=0,
                    leverage_sum=Decimal(0),
                    leverage_max=None,
                    psr=Decimal(i * 37 % 100).scaleb(-2) if i % 3 else None,
                    sharpe_daily=Decimal(i - 11).scaleb(-2) if i % 3 else None,
                    skewness=Decimal(0) if i % 3 else None,
                    kurtosis=Decimal(3) if i % 3 else None,
                    return_days=30,
                )
            )
    return records


@pytest.fixture
def stored(db_engine: Engine) -> tuple[Callable[[], SqlUnitOfWork], list[ProviderStatsRecord]]:
    factory = make_session_factory(db_engine)
    records = generated()
    with SqlUnitOfWork(factory) as uow:
        uow.provider_stats.replace(records)
        uow.commit()
    return (lambda: SqlUnitOfWork(factory)), records


# sort -> (figure of a record, best first is descending?)
EXPECTED_ORDER: dict[LeaderboardSort, tuple[Callable[[ProviderStatsRecord], object], bool]] = {
    LeaderboardSort.ROI: (lambda r: r.roi, True),
    LeaderboardSort.PNL: (lambda r: r.pnl, True),
    LeaderboardSort.WIN_RATE: (lambda r: r.win_rate, True),
    LeaderboardSort.DRAWDOWN: (lambda r: r.max_drawdown, False),
    LeaderboardSort.SHARPE: (lambda r: r.sharpe, True),
    LeaderboardSort.FOLLOWERS: (lambda r: r.active_followers, True),
    LeaderboardSort.AUM: (lambda r: r.aum, True),
    LeaderboardSort.COPIER_PNL: (lambda r: r.copier_pnl, True),
    LeaderboardSort.PSR: (lambda r: r.psr, True),
}


def expected_ids(
    records: list[ProviderStatsRecord],
    sort: LeaderboardSort,
    keep: Callable[[ProviderStatsRecord], bool] = lambda r: True,
    period: Period = Period.D30,
) -> list[str]:
    figure, descending = EXPECTED_ORDER[sort]
    rows = [r for r in records if r.period is period and r.ranked and keep(r)]
    present = [r for r in rows if figure(r) is not None]
    # Best first; ties by provider id; a missing figure (None) ranks last.
    present.sort(key=lambda r: r.provider_id)
    present.sort(key=figure, reverse=descending)  # type: ignore[arg-type]
    missing = sorted((r for r in rows if figure(r) is None), key=lambda r: r.provider_id)
    return [r.provider_id for r in present + missing]


def all_pages(
    uow_factory: Callable[[], SqlUnitOfWork],
    filters: LeaderboardFilters,
    sort: LeaderboardSort,
    page_size: int = 5,
) -> list[ProviderCard]:
    cards: list[ProviderCard] = []
    page = 1
    with uow_factory() as uow:
        while True:
            result = leaderboard(uow, filters, sort, page, page_size)
            cards.extend(result.cards)
            if page >= result.pages:
                assert len(cards) == result.total
                return cards
            assert len(result.cards) == page_size
            page += 1


@pytest.mark.parametrize("sort", list(LeaderboardSort))
def test_every_sort_order_over_every_page(stored, sort: LeaderboardSort) -> None:  # type: ignore[no-untyped-def]
    uow_factory, records = stored
    cards = all_pages(uow_factory, LeaderboardFilters(period=Period.D90), sort)
    assert [c.provider_id for c in cards] == expected_ids(records, sort, period=Period.D90)
    assert "p07" not in {c.provider_id for c in cards}  # not ranked: too young


FILTERS: list[tuple[LeaderboardFilters, Callable[[ProviderStatsRecord], bool]]] = [
    (LeaderboardFilters(min_aum=Decimal(50_000)), lambda r: r.aum >= 50_000),
    (LeaderboardFilters(min_followers=25), lambda r: r.active_followers >= 25),
    (LeaderboardFilters(max_drawdown=Decimal(30)), lambda r: r.max_drawdown <= 30),
    (LeaderboardFilters(risk_level="low"), lambda r: r.risk_level is RiskLevel.LOW),
    (LeaderboardFilters(strategy=Strategy.MIXED), lambda r: r.strategy is Strategy.MIXED),
    (LeaderboardFilters(min_track_record_days=200), lambda r: r.track_record_days >= 200),
    (
        LeaderboardFilters(min_aum=Decimal(20_000), max_drawdown=Decimal(60), min_followers=10),
        lambda r: r.aum >= 20_000 and r.max_drawdown <= 60 and r.active_followers >= 10,
    ),
]


@pytest.mark.parametrize(("filters", "keep"), FILTERS)
def test_filters_keep_exactly_the_matching_providers(stored, filters, keep) -> None:  # type: ignore[no-untyped-def]
    uow_factory, records = stored
    cards = all_pages(uow_factory, filters, LeaderboardSort.ROI)
    expected = expected_ids(records, LeaderboardSort.ROI, keep)
    assert 0 < len(expected) < 22  # the filter matters on this data
    assert [c.provider_id for c in cards] == expected


def test_cards_show_the_period_figures_and_the_profile(stored) -> None:  # type: ignore[no-untyped-def]
    uow_factory, records = stored
    with uow_factory() as uow:
        page = leaderboard(uow, LeaderboardFilters(period="7d"), "roi", page=1, page_size=3)
    top = page.cards[0]
    source = next(r for r in records if r.provider_id == top.provider_id and r.period is Period.D7)
    assert (top.roi, top.roi_30d, top.win_rate, top.max_drawdown) == (
        source.roi,
        source.roi_30d,
        source.win_rate,
        source.max_drawdown,
    )
    assert (top.followers, top.aum, top.share_pct) == (
        source.active_followers,
        source.aum,
        source.share_pct,
    )
    assert top.avatar == "P" and top.sparkline == (Decimal("10000.00"), Decimal("10100.50"))
    assert (page.total, page.pages) == (22, 8)


def test_page_past_the_end_is_empty_and_bad_pages_are_refused(stored) -> None:  # type: ignore[no-untyped-def]
    uow_factory, _ = stored
    with uow_factory() as uow:
        assert leaderboard(uow, LeaderboardFilters(), "roi", page=9, page_size=5).cards == []
        with pytest.raises(ValueError, match="page"):
            leaderboard(uow, LeaderboardFilters(), "roi", page=0)


def test_cards_carry_the_deflated_sharpe_over_the_ranked_providers(
    stored: tuple[Callable[[], SqlUnitOfWork], list[ProviderStatsRecord]],
) -> None:
    factory, records = stored
    with factory() as uow:
        page = leaderboard(uow, LeaderboardFilters(period=Period.D30), LeaderboardSort.PSR,
                           page_size=50)  # fmt: skip
    ranked = [r for r in records if r.period is Period.D30 and r.ranked]
    sharpes = [float(r.sharpe_daily) for r in ranked if r.sharpe_daily is not None]
    mean = sum(sharpes) / len(sharpes)
    variance = sum((x - mean) ** 2 for x in sharpes) / (len(sharpes) - 1)
    by_id = {r.provider_id: r for r in ranked}
    for card in page.cards:
        record = by_id.get(card.provider_id)
        if record is None or record.sharpe_daily is None:
            assert card.dsr is None
            continue
        moments = ReturnMoments(30, float(record.sharpe_daily), 0.0, 3.0)
        expected = deflated_sharpe(moments, variance, len(sharpes))
        assert card.dsr is not None and abs(float(card.dsr) - expected) <= 0.00005
        assert card.short_record is (card.min_trl_days is None or card.min_trl_days > 30)
