"""The tolerance price of an opening copy sent as a limit (docs/venues.md)."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.domain.copying.plan import tolerance_price
from copytrade.domain.instruments import Side


def test_a_buy_may_pay_up_to_the_tolerance_rounded_down_to_the_tick() -> None:
    # 50,000 × 1.005 = 50,250 exactly; 123.45 × 1.01 = 124.6845 → 124.68 (never 124.69).
    assert tolerance_price(Side.BUY, D(50_000), D("0.005"), D("0.1")) == D("50250.0")
    assert tolerance_price(Side.BUY, D("123.45"), D("0.01"), D("0.01")) == D("124.68")


def test_a_sell_may_get_down_to_the_tolerance_rounded_up_to_the_tick() -> None:
    # 123.45 × 0.99 = 122.2155 → 122.22 (never 122.21).
    assert tolerance_price(Side.SELL, D("123.45"), D("0.01"), D("0.01")) == D("122.22")
    assert tolerance_price(Side.SELL, D(50_000), D(0), D("0.1")) == D("50000.0")


def test_a_sell_at_full_tolerance_is_still_one_tick() -> None:
    assert tolerance_price(Side.SELL, D(3), D(1), D("0.01")) == D("0.01")
