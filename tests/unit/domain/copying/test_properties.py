"""Properties of the gate and the close rules over wide, hostile inputs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying import (
    CopyAction,
    CopyDecision,
    CopySettings,
    FillContext,
    FollowerBook,
    RelationshipStatus,
    SizingMode,
    follower_close_qty,
    gate_opening,
)
from copytrade.domain.instruments import Instrument
from tests.unit.domain.copying.factories import perp, spot

D = Decimal

INSTRUMENTS = [
    perp(),
    spot(),
    perp(lot_step=D(1), min_qty=D(1), min_notional=D(0), max_qty=D(50), max_leverage=D(125)),
    spot(lot_step=D("0.01"), min_qty=D("0.05"), min_notional=D(0), max_qty=D("3.17")),
]


def amounts(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.just(D(0)), st.decimals(min_value=low, max_value=high, places=8, allow_nan=False)
    )


def pcts(low: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(100), places=2)


settings_st = st.builds(
    CopySettings,
    mode=st.sampled_from(SizingMode),
    fixed_amount=st.decimals(min_value=D("0.01"), max_value=10**6, places=2),
    multiplier=st.decimals(min_value=D("0.01"), max_value=10, places=2),
    leverage=st.one_of(st.none(), st.decimals(min_value=1, max_value=150, places=1)),
    max_per_trade_pct=pcts("0.01"),
    max_open_trades=st.integers(1, 20),
    max_loss_pct=pcts("0.01"),
    slippage_pct=pcts("0"),
)


def fills(amount: st.SearchStrategy[Decimal]) -> st.SearchStrategy[FillContext]:
    return st.builds(
        FillContext,
        instrument=st.sampled_from(INSTRUMENTS),
        fill_qty=amount,
        fill_price=amount,
        provider_order_qty=amount,
        provider_equity=amount,
        provider_leverage=amount,
        current_price=st.one_of(st.none(), amount),
    )


def books(amount: st.SearchStrategy[Decimal]) -> st.SearchStrategy[FollowerBook]:
    return st.builds(
        FollowerBook,
        status=st.sampled_from(RelationshipStatus),
        copy_equity=amount,
        net_allocated=amount,
        free_cash=amount,
        open_positions=st.integers(0, 30),
        holds_symbol=st.booleans(),
    )


HOSTILE = amounts(-(10**6), 10**9)


def positive(low: str, high: int, places: int = 4) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=high, places=places)


@st.composite
def realistic(draw: st.DrawFn) -> tuple[FillContext, FollowerBook]:
    """Sane fills and books, so that most decisions are orders and their invariants run."""
    price = draw(positive("0.01", 100_000, 2))
    drift = draw(st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=4))
    fill_qty = draw(positive("0.001", 100, 3))
    fill = FillContext(
        instrument=draw(st.sampled_from(INSTRUMENTS)),
        fill_qty=fill_qty,
        fill_price=price,
        provider_order_qty=fill_qty * draw(positive("1", 4, 2)),
        provider_equity=fill_qty * price * draw(positive("0.05", 20, 2)),
        provider_leverage=draw(positive("1", 125, 0)),
        current_price=price * (1 + drift),
    )
    equity = draw(positive("1", 10**6, 2))
    book = FollowerBook(
        status=RelationshipStatus.ACTIVE,
        copy_equity=equity,
        net_allocated=equity * draw(positive("0.5", 1, 2)),  # in profit: no max loss
        free_cash=equity * draw(positive("0", 1, 3)),
        open_positions=draw(st.integers(0, 12)),
        holds_symbol=draw(st.booleans()),
    )
    return fill, book


def check(settings: CopySettings, fill: FillContext, book: FollowerBook) -> CopyDecision:
    d = gate_opening(settings, fill, book)
    assert isinstance(d, CopyDecision)
    if d.action is CopyAction.SKIPPED:
        assert d.reason is not None and d.qty == 0 and d.margin == 0 and d.fee == 0
        return d
    inst: Instrument = fill.instrument
    assert d.qty > 0 and d.qty % inst.lot_step == 0
    assert d.qty >= inst.min_qty and d.qty <= inst.max_qty
    assert d.notional == d.qty * d.price and d.notional >= inst.min_notional
    assert d.notional <= book.copy_equity * settings.max_per_trade_pct / 100
    assert d.margin + d.fee <= book.free_cash
    # Margin and fee are never understated (checked in exact fractions).
    assert Fraction(d.margin) >= Fraction(d.notional) / Fraction(d.leverage)
    assert Fraction(d.fee) >= Fraction(d.notional) * Fraction(max(D(0), inst.taker_fee))
    assert 1 <= d.leverage <= inst.max_leverage
    assert (d.action is CopyAction.CAPPED) == (d.reason is not None)
    return d


@given(settings_st, fills(HOSTILE), books(HOSTILE))
def test_gate_decides_for_any_numbers(
    settings: CopySettings, fill: FillContext, book: FollowerBook
) -> None:
    check(settings, fill, book)


@given(settings_st, realistic())
def test_orders_respect_caps_cash_lot_and_minimums(
    settings: CopySettings, inputs: tuple[FillContext, FollowerBook]
) -> None:
    check(settings, *inputs)


POSITIONS = st.decimals(min_value=D("-1000"), max_value=D("1000"), places=3)


@given(POSITIONS, st.decimals(min_value=1, max_value=5, places=3))
def test_full_close_closes_the_exact_position(position: Decimal, fraction: Decimal) -> None:
    assert follower_close_qty(perp(), position, fraction) == abs(position)


@given(POSITIONS, st.decimals(min_value=0, max_value=D("0.999999"), places=6))
def test_partial_close_is_on_the_lot_and_within_the_position(
    position: Decimal, fraction: Decimal
) -> None:
    qty = follower_close_qty(perp(), position, fraction)
    assert 0 <= qty <= abs(position) * fraction
    assert qty % D("0.001") == 0
    assert abs(position) * fraction - qty < D("0.001")  # rounded down by less than a lot
