"""Maintenance margin, liquidation prices and funding payments (docs/domain.md "Margin",
"Liquidation", "Funding"): the formulas on worked numbers."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument, MarginTier
from copytrade.domain.margin import (
    cross_breached,
    cross_buffer,
    funding_payment,
    isolated_breached,
    liquidation_fee,
    liquidation_price,
    locked,
)
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.positions import Position
from tests.unit.domain.fills_factory import ACCOUNT, PERP, fill

D = Decimal
RULED = dataclasses.replace(PERP, maintenance_margin_rate=D("0.005"), liquidation_fee=D("0.005"))
TIERED = dataclasses.replace(
    PERP,
    margin_tiers=(
        MarginTier(D(0), D("0.004"), D(20)),
        MarginTier(D(50000), D("0.01"), D(10)),
    ),
)


def position(side: str, qty: str, price: str, leverage: int, on: Instrument = RULED) -> Position:
    held = Position(ACCOUNT, on, D(leverage))
    held.apply_fill(fill(side, qty, price, on=on))
    return held


def test_the_isolated_liquidation_price_of_a_long_and_a_short() -> None:
    long = position("buy", "0.1", "40000", 10)  # cost 4,000, margin 400
    # (4,000 − 400) / (0.1 × 0.995) = 36,180.904… → up to the tick
    assert liquidation_price(long, locked(long)) == D("36180.91")
    short = position("sell", "0.1", "40000", 10)
    # (4,000 + 400) / (0.1 × 1.005) = 43,781.094… → down to the tick
    assert liquidation_price(short, locked(short)) == D("43781.09")


def test_breached_at_the_maintenance_margin_not_before() -> None:
    long = position("buy", "0.1", "40000", 10)
    assert not isolated_breached(long, D("36181"))  # equity 18.1 > 18.0905
    assert isolated_breached(long, D("36180"))  # equity 18 ≤ 18.09


def test_a_long_at_leverage_one_has_no_liquidation_price() -> None:
    assert liquidation_price(position("buy", "1", "40000", 1), D(40000)) is None


def test_instruments_without_margin_rules_never_liquidate() -> None:
    bare = position("buy", "0.1", "40000", 10, on=PERP)
    assert not PERP.liquidates
    assert liquidation_price(bare, locked(bare)) is None
    assert not isolated_breached(bare, D(1))


def test_tiers_are_continuous_and_cap_the_leverage() -> None:
    # 50,000 notional: 0.004 × 50,000 = 200 either side of the floor.
    assert TIERED.maintenance_margin(D(50000)) == D(200)
    # 100,000: 200 + 0.01 × 50,000 = 700
    assert TIERED.maintenance_margin(D(100000)) == D(700)
    assert TIERED.cap_leverage_for(D(20), D(60000)) == D(10)
    assert TIERED.cap_leverage_for(D(20), D(10000)) == D(20)


def test_a_tiered_liquidation_price_falls_in_its_own_tier() -> None:
    long = position("buy", "2", "40000", 5, on=TIERED)  # cost 80,000, margin 16,000
    price = liquidation_price(long, locked(long))
    assert price is not None
    # On the upper line (rate 0.01, deduction 300): (80,000 − 16,000 − 300) / (2 × 0.99)
    assert price == D("32171.72")
    assert not isolated_breached(long, price + D("0.01"))
    assert isolated_breached(long, price - D("0.01"))


def test_cross_margin_counts_the_book_cash_and_the_other_positions() -> None:
    long = position("buy", "0.1", "40000", 10)
    long.margin_mode = MarginMode.CROSS
    # buffer = cash 100 + margin 400: (4,000 − 500) / (0.1 × 0.995) = 35,175.87…
    buffer = cross_buffer(long, D(100), [long], {RULED.symbol: D(40000)})
    assert buffer == D(500)
    assert liquidation_price(long, buffer) == D("35175.88")
    assert not cross_breached(D(100), [long], {RULED.symbol: D(35176)})
    assert cross_breached(D(100), [long], {RULED.symbol: D(35175)})


def test_the_liquidation_fee_is_capped_at_what_is_left() -> None:
    long = position("buy", "0.1", "40000", 10)
    assert liquidation_fee(long, D(36100), D(10)) == D(10)  # 18.05 > 10
    assert liquidation_fee(long, D(36100), D(100)) == D("18.05")
    assert liquidation_fee(long, D(35000), D(-100)) == D(0)


def test_funding_longs_pay_shorts_when_the_rate_is_positive() -> None:
    long, short = position("buy", "1", "40000", 5), position("sell", "1", "40000", 5)
    assert funding_payment(long, D("0.0001"), D(42000)) == D("-4.2")
    assert funding_payment(short, D("0.0001"), D(42000)) == D("4.2")
    assert funding_payment(long, D("-0.0002"), D(42000)) == D("8.4")
    # Rounded down to the quote unit: a payer pays the fraction, a receiver does not get it.
    odd = position("buy", "0.001", "40000", 5)
    assert funding_payment(odd, D("0.000123"), D("33333.33")) == D("-0.00410000")


def test_funding_is_realized_pnl_of_the_position_and_its_trade() -> None:
    long = position("buy", "1", "40000", 5)
    long.apply_funding(D("-4.2"))
    trade = long.apply_fill(fill("sell", "1", "42000", on=RULED)).trade
    assert trade is not None and trade.pnl == D("1995.8")
    assert long.realized_pnl == D("1995.8")


def test_margin_rules_are_validated() -> None:
    with pytest.raises(InvalidValueError, match="start at 0"):
        dataclasses.replace(PERP, margin_tiers=(MarginTier(D(10), D("0.01")),))
    with pytest.raises(InvalidValueError, match="must not decrease"):
        dataclasses.replace(
            PERP, margin_tiers=(MarginTier(D(0), D("0.02")), MarginTier(D(10), D("0.01")))
        )
    with pytest.raises(InvalidValueError, match="maintenance_margin_rate"):
        dataclasses.replace(PERP, maintenance_margin_rate=D("0.9"))
    with pytest.raises(InvalidValueError, match="margin mode"):
        MarginMode.parse("portfolio")
