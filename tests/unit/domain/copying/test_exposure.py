"""The max-loss sweep's arithmetic over plain values agrees with valuing domain positions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying.exposure import Exposure, HeldPosition, at_max_loss, book_equity
from copytrade.domain.ids import AccountId
from copytrade.domain.positions import Position, PositionState
from copytrade.engine.valuation import value_book
from tests.unit.venues.instruments import INSTRUMENTS, PERP, SPOT

D = Decimal
SPOT_OF = {i.symbol: i.is_spot for i in INSTRUMENTS}
ZERO = D(0)


def _position(held: HeldPosition) -> Position:
    instrument = SPOT if held.symbol == SPOT.symbol else PERP
    state = PositionState(held.leverage, held.qty, held.entry_cost, ZERO, ZERO, None,
                          abs(held.qty), held.entry_cost, ZERO, ZERO, ZERO)  # fmt: skip
    return Position.restore(AccountId("book"), instrument, state)


def test_a_long_and_a_short_perp_and_a_coin_holding() -> None:
    held = (
        HeldPosition(PERP.symbol, D("0.01"), D(500), D(5)),  # long 0.01 at 50,000, 5x
        HeldPosition(SPOT.symbol, D("0.02"), D(1000), D(1)),  # 0.02 coins bought for 1,000
    )
    # cash 800; perp margin 500 / 5 = 100, PnL 0.01 × 45,000 − 500 = −50; coins 0.02 × 45,000
    prices = {PERP.symbol: D(45000), SPOT.symbol: D(45000)}
    assert book_equity(D(800), held, SPOT_OF, prices) == D(800) + 100 - 50 + 900
    short = (HeldPosition(PERP.symbol, D("-0.01"), D(500), D(5)),)
    # short PnL: −0.01 × 45,000 + 500 = +50 on top of the 100 margin
    assert book_equity(D(800), short, SPOT_OF, prices) == D(950)
    # no price yet: the position counts at its margin
    assert book_equity(D(800), short, SPOT_OF, {}) == D(900)
    flat = (HeldPosition(PERP.symbol, ZERO, ZERO, D(5)),)
    assert book_equity(D(800), flat, SPOT_OF, prices) == D(800)


def test_only_the_relationships_at_their_limit_are_named_in_order() -> None:
    perp = (HeldPosition(PERP.symbol, D("0.04"), D(2000), D(2)),)  # margin 1,000
    exposures = [
        # 1,000 allocated, equity 0 + 1,000 + 0.04 × 40,000 − 2,000 = 600: 40 % down
        Exposure("r-c", D(1000), D(40), ZERO, perp),  # limit 40 %: reached
        Exposure("r-a", D(1000), D(50), ZERO, perp),  # 50 %: not yet
        Exposure("r-b", D(1000), D(10), ZERO, perp),  # 10 %: reached
        Exposure("r-d", ZERO, D(10), ZERO, perp),  # nothing allocated: never
    ]
    assert at_max_loss(exposures, SPOT_OF, {PERP.symbol: D(40000)}) == ["r-c", "r-b"]


def _as_stored(held: HeldPosition) -> HeldPosition:
    """What a ``Position`` stores: spot is long only at leverage 1 (perps are under the cap)."""
    if held.symbol == PERP.symbol:
        return held
    return HeldPosition(held.symbol, abs(held.qty), held.entry_cost, D(1))


_amounts = st.decimals(min_value=D("0.001"), max_value=D(100000), places=6)
_held = st.builds(
    HeldPosition,
    symbol=st.sampled_from([PERP.symbol, SPOT.symbol]),
    qty=st.decimals(min_value=D(-5), max_value=D(5), places=3),
    entry_cost=_amounts,
    leverage=st.sampled_from([D(1), D(2), D(3), D(7), D(20)]),
).map(_as_stored)


@given(
    cash=_amounts,
    held=st.lists(_held, max_size=2, unique_by=lambda h: h.symbol),
    mark=st.one_of(st.none(), _amounts),
)
def test_book_equity_is_value_book_of_the_same_positions(
    cash: Decimal, held: list[HeldPosition], mark: Decimal | None
) -> None:
    prices = {} if mark is None else {PERP.symbol: mark, SPOT.symbol: mark}
    positions = [_position(h) for h in held]
    assert book_equity(cash, held, SPOT_OF, prices) == value_book(cash, positions, prices).equity
