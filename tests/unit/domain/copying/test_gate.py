from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.copying import (
    CopyAction,
    CopyDecision,
    ReasonCode,
    RelationshipStatus,
    gate_opening,
)
from tests.unit.domain.copying.factories import PERP_SYMBOL, book, fill, perp, settings, spot

D = Decimal
R = ReasonCode


def decide(s: dict[str, object], f: dict[str, object], b: dict[str, object]) -> CopyDecision:
    return gate_opening(settings(**s), fill(**f), book(**b))


def test_worked_example_placed() -> None:
    # usage 0.1 → notional 2,000 × 0.1 = 200 ≤ cap 2,000; margin 200/10 = 20, fee 0.1 ≤ 2,000
    # qty = 200 / 20,100 = 0.00995… → 0.009; notional 0.009 × 20,100 = 180.9
    # margin 180.9 / 10 = 18.09; fee 180.9 × 0.0005 = 0.09045
    d = decide({}, {}, {})
    assert d == CopyDecision(
        CopyAction.PLACED, None, d.qty, D("180.9"), D("18.09"), D("0.09045"), D(10), D(20100)
    )
    assert d.qty == D("0.009")
    assert d.is_order and not d.must_stop


@pytest.mark.parametrize(
    ("s", "f", "b", "action", "reason", "qty", "notional"),
    [
        # max per trade 5 %: cap 100 → qty 100/20,100 = 0.004975 → 0.004; 0.004 × 20,100 = 80.4
        ({"max_per_trade_pct": D(5)}, {}, {}, "capped", R.MAX_PER_TRADE, "0.004", "80.4"),
        # max qty 0.005: notional cap 0.005 × 20,100 = 100.5 → qty 0.005
        (
            {},
            {"instrument": perp(max_qty=D("0.005"))},
            {},
            "capped",
            R.MAX_QUANTITY,
            "0.005",
            "100.5",
        ),
        # max qty 0.0055 is off the lot step: the cap is 0.005
        (
            {},
            {"instrument": perp(max_qty=D("0.0055"))},
            {},
            "capped",
            R.MAX_QUANTITY,
            "0.005",
            "100.5",
        ),
        # both caps bind: the last one (max quantity) fixes the qty and is recorded
        (
            {"max_per_trade_pct": D(5)},
            {"instrument": perp(max_qty=D("0.002"))},
            {},
            "capped",
            R.MAX_QUANTITY,
            "0.002",
            "40.2",
        ),
        # slippage exactly at tolerance (20,200 = +1 %) is allowed: 200/20,200 → 0.009
        ({}, {"current_price": D(20200)}, {}, "placed", None, "0.009", "181.8"),
        # already holding the symbol: max_open_trades does not apply to an increase
        ({}, {}, {"open_positions": 10, "holds_symbol": True}, "placed", None, "0.009", "180.9"),
        # drawdown 19.95 % < 20 %: copies
        ({}, {}, {"copy_equity": D(1601)}, "placed", None, "0.007", "140.7"),
    ],
)
def test_caps_and_passes(
    s: dict[str, object],
    f: dict[str, object],
    b: dict[str, object],
    action: str,
    reason: ReasonCode | None,
    qty: str,
    notional: str,
) -> None:
    d = decide(s, f, b)
    assert (d.action, d.reason, d.qty, d.notional) == (action, reason, D(qty), D(notional))


@pytest.mark.parametrize(
    ("s", "f", "b", "reason"),
    [
        ({}, {}, {"status": RelationshipStatus.PAUSED}, R.NOT_ACTIVE),
        ({}, {}, {"status": RelationshipStatus.STOPPED}, R.NOT_ACTIVE),
        # drawdown 1 − 1,600 / 2,000 = 20 % ≥ 20 %
        ({}, {}, {"copy_equity": D(1600)}, R.MAX_LOSS),
        ({"max_loss_pct": D(10)}, {}, {"copy_equity": D(1800)}, R.MAX_LOSS),
        ({"whitelist": {"ETH/USDT:USDT"}}, {}, {}, R.SYMBOL_NOT_ALLOWED),
        ({"blacklist": {PERP_SYMBOL}}, {}, {}, R.SYMBOL_NOT_ALLOWED),
        ({}, {"fill_price": D(0)}, {}, R.INVALID_PRICE),
        ({}, {"current_price": D(0)}, {}, R.INVALID_PRICE),
        ({}, {"fill_qty": D(0)}, {}, R.INVALID_FILL),
        (
            {"mode": "fixed_amount", "fixed_amount": D(100)},
            {"provider_order_qty": D(0)},
            {},
            R.INVALID_FILL,
        ),
        # |20,201 − 20,000| / 20,000 = 1.005 % > 1 %
        ({}, {"current_price": D(20201)}, {}, R.SLIPPAGE),
        ({}, {"current_price": D(19799)}, {}, R.SLIPPAGE),
        ({"slippage_pct": D("0.4")}, {}, {}, R.SLIPPAGE),  # 0.5 % > 0.4 %
        ({}, {}, {"open_positions": 10}, R.MAX_OPEN_TRADES),
        ({"max_open_trades": 1}, {}, {"open_positions": 1}, R.MAX_OPEN_TRADES),
        # equity 0 with nothing allocated: nothing to size from (and no max loss)
        ({}, {}, {"copy_equity": D(0), "net_allocated": D(0)}, R.NO_COPY_EQUITY),
        ({}, {"provider_equity": D(0)}, {}, R.NO_PROVIDER_EQUITY),
        # margin 20 + fee 0.1 > 20.09 free
        ({}, {}, {"free_cash": D("20.09")}, R.INSUFFICIENT_BALANCE),
        # spot: margin is the whole notional: 200 + 0.2 > 200
        ({}, {"instrument": spot()}, {"free_cash": D(200)}, R.INSUFFICIENT_BALANCE),
        # notional 2,000 × 0.001 = 2 → qty 2 / 20,100 < 0.001 lot → 0
        ({}, {"provider_equity": D(1000000)}, {}, R.BELOW_MINIMUM),
        # min notional 100: notional 60 → 0.002 × 20,100 = 40.2 < 100
        (
            {},
            {"instrument": perp(min_notional=D(100))},
            {"copy_equity": D(600), "net_allocated": D(600)},
            R.BELOW_MINIMUM,
        ),
        # min qty 0.01: 0.009 < 0.01
        ({}, {"instrument": perp(min_qty=D("0.01"))}, {}, R.BELOW_MINIMUM),
    ],
)
def test_skip_reasons(
    s: dict[str, object], f: dict[str, object], b: dict[str, object], reason: ReasonCode
) -> None:
    d = decide(s, f, b)
    assert (d.action, d.reason, d.qty, d.notional, d.margin, d.fee) == (
        CopyAction.SKIPPED,
        reason,
        D(0),
        D(0),
        D(0),
        D(0),
    )
    assert d.must_stop is (reason is R.MAX_LOSS)


@pytest.mark.parametrize(
    ("s", "f", "b", "reason"),
    [
        # Each row breaks two checks; the earlier one in the documented order is recorded.
        ({}, {}, {"status": RelationshipStatus.PAUSED, "copy_equity": D(1)}, R.NOT_ACTIVE),
        ({"blacklist": {PERP_SYMBOL}}, {}, {"copy_equity": D(1)}, R.MAX_LOSS),
        ({"blacklist": {PERP_SYMBOL}}, {"current_price": D(0)}, {}, R.SYMBOL_NOT_ALLOWED),
        ({}, {"current_price": D(30000)}, {"open_positions": 99}, R.SLIPPAGE),
        ({}, {"provider_equity": D(0)}, {"open_positions": 99}, R.MAX_OPEN_TRADES),
        ({}, {"provider_equity": D(0)}, {"free_cash": D(0)}, R.NO_PROVIDER_EQUITY),
        ({}, {"provider_equity": D(1000000)}, {"free_cash": D(0)}, R.INSUFFICIENT_BALANCE),
    ],
)
def test_check_order(
    s: dict[str, object], f: dict[str, object], b: dict[str, object], reason: ReasonCode
) -> None:
    assert decide(s, f, b).reason is reason


def test_cap_applies_before_the_cash_check() -> None:
    # Uncapped: 200 + fee needs 20.1 of margin cash; capped at 5 % (100) it needs 10.05.
    d = decide({"max_per_trade_pct": D(5)}, {}, {"free_cash": D("10.05")})
    assert (d.action, d.reason, d.margin + d.fee <= D("10.05")) == ("capped", R.MAX_PER_TRADE, True)


def test_follower_leverage_override_sets_the_margin() -> None:
    # 180.9 at 2x: margin 90.45
    d = decide({"leverage": D(2)}, {}, {})
    assert (d.leverage, d.margin) == (D(2), D("90.45"))


def test_margin_and_fee_round_up_to_the_quote_unit() -> None:
    # 0.009 × 20,100 = 180.9 at 7x: 25.842857142… → 25.84285715 (up)
    d = decide({"leverage": D(7)}, {}, {})
    assert d.margin == D("25.84285715")


def test_skips_of_one_fill_are_shared_not_reallocated() -> None:
    f = fill()
    paused = book(status=RelationshipStatus.PAUSED)
    assert gate_opening(settings(), f, paused) is gate_opening(settings(), f, paused)
