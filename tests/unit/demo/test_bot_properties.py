"""Over random price paths: every order is one the venue accepts and can afford."""

from collections.abc import Callable
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copytrade.demo import (
    BTC_PERP,
    BTC_SPOT,
    ETH_PERP,
    SOL_PERP,
    Bot,
    Gambler,
    MeanReverter,
    SpotHolder,
    TrendFollower,
)
from tests.unit.demo.drive import MARKETS, Step, drive, ticks

D = Decimal

# Small windows so that short paths produce many signals.
BOTS: dict[str, tuple[Callable[[], Bot], Decimal]] = {
    # name: (factory, the share of equity its positions may lock as margin)
    "trend": (lambda: TrendFollower([MARKETS[BTC_PERP]], fast=2, slow=4, band_pct=D(0)), D("0.5")),
    "revert": (lambda: MeanReverter([MARKETS[ETH_PERP]], window=6, entry_z=D("1.2")), D("0.5")),
    "gambler": (lambda: Gambler([MARKETS[SOL_PERP]], lookback=1, min_move_pct=D(0)), D("0.3")),
}
START = {BTC_PERP: 60000, ETH_PERP: 3000, SOL_PERP: 150, BTC_SPOT: 60000}


def random_path(symbol: str) -> st.SearchStrategy[list[Decimal]]:
    """A walk of up to 80 steps of −5 %..+5 % (in 0.1 % steps) from the symbol's start."""
    tick = MARKETS[symbol].tick

    def walk(moves: list[int]) -> list[Decimal]:
        price, prices = D(START[symbol]), []
        for move in moves:
            price = max(tick, (price * (1 + D(move) / 1000)).quantize(tick))
            prices.append(price)
        return prices

    return st.lists(st.integers(-50, 50), min_size=1, max_size=80).map(walk)


def valid_steps(bot: Bot, symbol: str, prices: list[Decimal], equity: Decimal) -> list[Step]:
    """``drive`` the bot, checking every order against the venue's rules."""
    instrument = MARKETS[symbol]
    steps = drive(bot, ticks(symbol, prices), equity)
    for step in steps:
        held = step.held
        for order in step.orders:
            assert order.symbol == symbol
            assert instrument.is_on_lot_step(order.qty)
            assert instrument.meets_minimums(order.qty, step.tick.price)
            assert order.qty <= instrument.max_qty
            assert order.leverage <= instrument.max_leverage
            if order.reduce_only:  # closes only what is held, in the closing direction
                assert held * order.side.sign < 0 and order.qty <= abs(held)
            held += order.qty * order.side.sign
    return steps


@given(st.sampled_from(sorted(BOTS)), st.data(), st.integers(1, 200_000))
def test_perp_bot_orders_are_on_the_lot_step_above_minimums_and_affordable(
    name: str, data: st.DataObject, equity_units: int
) -> None:
    make, margin_fraction = BOTS[name]
    bot = make()
    (symbol,) = bot.symbols
    prices = data.draw(random_path(symbol))
    equity = D(equity_units)
    for step in valid_steps(bot, symbol, prices, equity):
        for order in step.orders:
            if not order.reduce_only:  # an opening locks at most its share of equity
                assert order.qty * step.tick.price / order.leverage <= equity * margin_fraction


@given(random_path(BTC_SPOT), st.integers(1, 200_000), st.integers(0, 3))
def test_spot_holder_never_sells_more_than_it_holds_and_never_shorts(
    prices: list[Decimal], equity_units: int, cooldown: int
) -> None:
    bot = SpotHolder(
        MARKETS[BTC_SPOT], window=3, dip_pct=D(1), take_profit_pct=D(1), cooldown=cooldown
    )
    equity = D(equity_units)
    for step in valid_steps(bot, BTC_SPOT, prices, equity):
        held = step.held
        for order in step.orders:
            assert order.leverage == 1 and not order.reduce_only
            if order.side.sign < 0:
                assert order.qty <= held
            else:  # the holding after the slice stays within 80 % of equity: cash covers it
                assert (held + order.qty) * step.tick.price <= equity * D("0.8")
            held += order.qty * order.side.sign
        assert held >= 0
