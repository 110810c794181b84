"""Each bot on a scripted price path does what its style says."""

from decimal import Decimal

import pytest

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
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Side
from tests.unit.demo.drive import MARKETS, drive, orders_of, ticks

D = Decimal


def up_then_down(start: int, step: int, n: int) -> list[int]:
    top = start + step * n
    return [start + step * i for i in range(n)] + [top - step * i for i in range(2 * n)]


def test_trend_goes_long_in_an_uptrend_then_flips_short_in_a_downtrend() -> None:
    bot = TrendFollower([MARKETS[BTC_PERP]], fast=3, slow=6, band_pct=D(0))
    steps = drive(bot, ticks(BTC_PERP, up_then_down(60000, 100, 10)))
    orders = orders_of(steps)
    # First signal when the slow window is full (step 5, price 60500): fast mean
    # 60400 > slow 60250 → long. Margin 10000 × 0.5 = 5000, × 3 / 60500 = 0.24793 → 0.247.
    first_step, first = orders[0]
    assert first_step == 5
    assert (first.side, first.qty, first.leverage, first.reduce_only) == (
        Side.BUY,
        D("0.247"),
        D(3),
        False,
    )
    # On the way down: close the long in full (reduce-only), then open a short.
    flip = [order for step, order in orders if step > first_step]
    assert [(o.side, o.reduce_only) for o in flip[:2]] == [(Side.SELL, True), (Side.SELL, False)]
    assert flip[0].qty == D("0.247")
    assert steps[-1].held < 0 or flip[-1].side is Side.SELL


def test_trend_is_flat_inside_the_band() -> None:
    # Prices wobbling by ±0.01 %: the means never part by 0.2 %.
    bot = TrendFollower([MARKETS[BTC_PERP]], fast=3, slow=6)
    steps = drive(bot, ticks(BTC_PERP, [60000 + (6 if i % 2 else -6) for i in range(30)]))
    assert orders_of(steps) == []


def test_trend_closes_when_the_means_meet_again() -> None:
    bot = TrendFollower([MARKETS[BTC_PERP]], fast=2, slow=4, band_pct=D(1))
    # Rise 6 % then stand still: long, then flat (a reduce-only close) once the means meet.
    steps = drive(bot, ticks(BTC_PERP, [60000, 61000, 62000, 63000, 64000] + [64000] * 6))
    sides = [(o.side, o.reduce_only) for _, o in orders_of(steps)]
    assert sides == [(Side.BUY, False), (Side.SELL, True)]


def test_mean_reverter_sells_a_spike_and_exits_near_the_mean() -> None:
    bot = MeanReverter([MARKETS[ETH_PERP]], window=6, entry_z=D("1.5"), exit_z=D("0.5"))
    calm = [3000, 3001, 2999, 3000, 3001]
    # Back at 3000 the spike still lifts the mean (z ≈ −0.64); the exit comes
    # once the spike has left the window (z ≈ −0.41).
    after = [3140, 3000, 3000, 3000, 3001, 3000, 3000]
    steps = drive(bot, ticks(ETH_PERP, [*calm, 3150, *after]))
    orders = orders_of(steps)
    step, spike = orders[0]
    # The spike at step 5: z = (3150 − 3025.17) / 61.2 ≈ 2.04 ≥ 1.5 → short.
    # Margin 10000 × 0.5 = 5000 × 2 / 3150 = 3.1746 → 3.17 (lot 0.01).
    assert step == 5 and spike.side is Side.SELL and not spike.reduce_only
    assert (spike.qty, spike.leverage) == (D("3.17"), D(2))
    exit_step, exit_order = orders[1]
    assert exit_order.side is Side.BUY and exit_order.reduce_only and exit_order.qty == D("3.17")
    assert exit_step == 11 and len(orders) == 2


def test_mean_reverter_buys_a_crash() -> None:
    # With the price in its own window, one outlier among n reaches at most
    # z = (n − 1) / √n: 8 prices allow 2.47, enough for the default entry of 2.
    bot = MeanReverter([MARKETS[SOL_PERP]], window=8)
    calm = ["150", "150.1", "149.9", "150", "150.1", "149.9", "150"]
    steps = drive(bot, ticks(SOL_PERP, [*calm, "120"]))
    (_, order), *_ = orders_of(steps)
    assert order.side is Side.BUY and not order.reduce_only


def test_gambler_uses_20x_and_flips_on_momentum() -> None:
    bot = Gambler([MARKETS[SOL_PERP]], lookback=2, min_move_pct=D(1))
    prices = ["150", "152", "154", "156", "153", "150", "147"]
    steps = drive(bot, ticks(SOL_PERP, prices))
    orders = [o for _, o in orders_of(steps)]
    assert orders and all(o.leverage == 20 for o in orders)
    # 154 vs 150 two ticks earlier: +2.7 % → long. Margin 10000 × 0.3 = 3000,
    # × 20 / 154 = 389.61 → 389.6 SOL (lot 0.1): 6× the equity.
    assert (orders[0].side, orders[0].qty) == (Side.BUY, D("389.6"))
    # 150 vs 156: −3.8 % → close the long, open a short.
    assert [(o.side, o.reduce_only) for o in orders[1:3]] == [(Side.SELL, True), (Side.SELL, False)]


def test_spot_holder_buys_slices_takes_profit_and_never_shorts() -> None:
    bot = SpotHolder(MARKETS[BTC_SPOT], window=4, dip_pct=D(2), take_profit_pct=D(5), cooldown=1)
    path = [60000, 60000, 60000, 60000, 60000, 58000, 57000, 56000, 60000, 63000, 66000, 70000]
    steps = drive(bot, ticks(BTC_SPOT, path))
    orders = orders_of(steps)
    # Starter slice when the window fills (step 3): 10000 × 0.1 / 60000 = 0.016666.
    assert orders[0] == (3, orders[0][1]) and orders[0][1].qty == D("0.016666")
    buys = [o for _, o in orders if o.side is Side.BUY]
    sells = [(i, o) for i, o in orders if o.side is Side.SELL]
    assert len(buys) >= 2  # the starter and at least one dip
    assert sells, "a rally above the average cost takes profit"
    for step, sell in sells:
        assert sell.qty <= steps[step].held
        assert sell.qty < steps[step].held  # partial: a third, the rest kept
    assert all(o.leverage == 1 and not o.reduce_only for _, o in orders)
    assert all(step.held >= 0 for step in steps)


def test_spot_holder_learns_its_average_cost_from_its_fills() -> None:
    bot = SpotHolder(MARKETS[BTC_SPOT], window=2, dip_pct=D(50), cooldown=0)
    drive(bot, ticks(BTC_SPOT, [60000, 60000, 60000]))
    # Bought at step 1 only (held nothing, then the slice is in); learnt at step 2.
    assert bot.average_cost == 60000


@pytest.mark.parametrize(
    "make",
    [
        lambda: TrendFollower([MARKETS[BTC_SPOT]]),
        lambda: SpotHolder(MARKETS[BTC_PERP]),
        lambda: Gambler([MARKETS[BTC_PERP], MARKETS[ETH_PERP], MARKETS[SOL_PERP]]),
        lambda: TrendFollower([MARKETS[BTC_PERP]], fast=10, slow=5),
        lambda: MeanReverter([MARKETS[ETH_PERP]], entry_z=D(1), exit_z=D(2)),
        lambda: Gambler([MARKETS[SOL_PERP]], leverage=D(60)),
        lambda: SpotHolder(MARKETS[BTC_SPOT], slice_fraction=D("0.9"), max_exposure=D("0.8")),
    ],
)
def test_bots_refuse_a_setup_that_makes_no_sense(make: object) -> None:
    with pytest.raises(InvalidValueError):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    "bot",
    [
        TrendFollower([MARKETS[BTC_PERP], MARKETS[ETH_PERP]]),
        MeanReverter([MARKETS[ETH_PERP]]),
        Gambler([MARKETS[SOL_PERP]]),
        SpotHolder(MARKETS[BTC_SPOT]),
    ],
)
def test_bots_ignore_symbols_they_do_not_trade(bot: Bot) -> None:
    assert isinstance(bot, Bot)
    other = "XRP/USDT:USDT"
    assert all(bot.on_tick(t, D(0), D(10_000)) == [] for t in ticks(other, [1] * 60))
    assert other not in bot.symbols


def test_spot_holder_sells_everything_rather_than_leave_dust() -> None:
    bot = SpotHolder(MARKETS[BTC_SPOT], window=2, take_profit_pct=D(5), cooldown=0)
    # Equity 60: the slice is 6 USDT = 0.0001 BTC. At 63000 (+5 %) a third
    # (0.000033) would leave 0.000067 × 63000 = 4.22 USDT, under the 5 minimum.
    steps = drive(bot, ticks(BTC_SPOT, [60000, 60000, 60000, 63000]), D(60))
    (_, buy), (step, sell) = orders_of(steps)
    assert (buy.side, buy.qty) == (Side.BUY, D("0.0001"))
    assert (step, sell.side, sell.qty) == (3, Side.SELL, D("0.0001"))
