"""A row updated trade by trade equals the row recomputed from the whole record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrade.domain.statistics import Period, TradeTally
from copytrade.domain.trades import Trade
from copytrade.service_layer.provider_stats import CopierFigures
from copytrade.stats.inputs import ProviderInputs, TradeTallies
from copytrade.stats.records import add_trade, build_records, tally_fields
from tests.unit.domain.statistics.factories import DAY0, series, trade

AS_OF = DAY0 + timedelta(days=40)
NOW = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 20, tzinfo=UTC)
ROWS = [
    p.row
    for p in series((0, "1000", "1000"), (5, "1100", "0"), (20, "900", "-100"), (39, "950", "0"))
]


def inputs(trades: list[Trade]) -> ProviderInputs:
    copiers = CopierFigures(2, Decimal("2500"), Decimal("-12.5"))
    return ProviderInputs("p1", "Pat", Decimal(10), TradeTallies.of(trades, AS_OF), ROWS, copiers)


@st.composite
def closed_trades(draw: st.DrawFn, first_day: int, last_day: int) -> Trade:
    day = draw(st.integers(first_day, last_day))
    closed = datetime(DAY0.year, DAY0.month, DAY0.day, tzinfo=UTC) + timedelta(
        days=day, minutes=draw(st.integers(0, 1439))
    )
    if closed > NOW:
        closed = NOW
    return trade(
        draw(st.integers(-500, 500)),
        cost=draw(st.integers(1, 2000)),
        closed=closed,
        held=timedelta(seconds=draw(st.integers(0, 200_000))),
        leverage=draw(st.sampled_from([1, 2, 3, 10, 30])),
        is_spot=draw(st.booleans()),
    )


@settings(max_examples=60)
@given(
    history=st.lists(closed_trades(0, 40), max_size=25),
    today=st.lists(closed_trades(40, 40), min_size=1, max_size=8),
)
def test_incremental_equals_full_recomputation(history: list[Trade], today: list[Trade]) -> None:
    rows = {r.period: r for r in build_records(inputs(history), AS_OF, NOW, 7)}
    for extra in today:
        rows = {r.period: r for r in add_trade(rows, extra, NOW)}
    full = build_records(inputs(history + today), AS_OF, NOW, 7)
    assert [rows[record.period] for record in full] == full


def test_a_trade_updates_only_trade_figures_and_the_profile() -> None:
    before = {r.period: r for r in build_records(inputs([]), AS_OF, NOW, 7)}
    # A 30× spot trade: risk turns high (max leverage > 25), strategy spot.
    extra = trade(-20, cost=400, closed=NOW, leverage=30, is_spot=True)
    after = {r.period: r for r in add_trade(before, extra, NOW)}
    for period in Period:
        old, new = before[period], after[period]
        assert (new.total_trades, new.pnl, new.win_rate) == (1, Decimal(-20), Decimal("0.0000"))
        assert new.max_loss_single_trade == Decimal("-5.0000")  # −20 / 400
        assert (new.risk_level, new.strategy) == ("high", "spot")
        assert replace(new, **_trade_fields(old)) == old


def _trade_fields(record: object) -> dict[str, object]:
    names = [*tally_fields(TradeTally()), "risk_level", "strategy"]
    return {name: getattr(record, name) for name in names}
