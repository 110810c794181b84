"""Positions: scale-in, partial and full close, shorts, flips, fees, trade records."""

from __future__ import annotations

import copy
from dataclasses import fields
from decimal import Decimal

import pytest

from copytrade.domain.errors import DomainError, InvalidValueError
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Fill
from copytrade.domain.positions import UNCHANGED, Position, position_from_fills
from copytrade.domain.trades import PositionSide
from tests.unit.domain.fills_factory import ACCOUNT, PERP, SPOT, T0, fill

D = Decimal


def replay(*fills: Fill, on: Instrument = PERP, leverage: str = "1") -> Position:
    return position_from_fills(ACCOUNT, on, fills, D(leverage))[0]


def state(position: Position) -> dict[str, object]:
    return {f.name: copy.copy(getattr(position, f.name)) for f in fields(position)}


# (fills as (side, qty, price), qty, avg entry, gross realized) with the hand computation.
WORKED = [
    # scale-in: (1×100 + 3×120) / 4 = 115
    ([("buy", "1", "100"), ("buy", "3", "120")], "4", "115", "0"),
    # partial close: (110 − 100) × 0.5 = 5; 1.5 left at 100
    ([("buy", "2", "100"), ("sell", "0.5", "110")], "1.5", "100", "5"),
    # partial close at a loss: (95 − 100) × 1 = −5
    ([("buy", "2", "100"), ("sell", "1", "95")], "1", "100", "-5"),
    # short perp: (100 − 90) × 1 = 10; −1 left at 100
    ([("sell", "2", "100"), ("buy", "1", "90")], "-1", "100", "10"),
    # short scale-in then cover at a loss: avg (100 + 2×106)/3 = 104; (104 − 105) × 1.5 = −1.5
    ([("sell", "1", "100"), ("sell", "2", "106"), ("buy", "1.5", "105")], "-1.5", "104", "-1.5"),
    # scale-in after a partial close: 1@100 (cost 100), close 0.5 → cost 50 for 0.5,
    # add 1.5@120 → (50 + 180) / 2 = 115
    ([("buy", "1", "100"), ("sell", "0.5", "110"), ("buy", "1.5", "120")], "2", "115", "5"),
]


@pytest.mark.parametrize(("steps", "qty", "avg", "realized"), WORKED)
def test_worked_examples(
    steps: list[tuple[str, str, str]], qty: str, avg: str, realized: str
) -> None:
    position = replay(*(fill(*step) for step in steps))
    assert (position.qty, position.avg_entry_price, position.realized_pnl) == (
        D(qty),
        D(avg),
        D(realized),
    )
    assert position.side is (PositionSide.LONG if D(qty) > 0 else PositionSide.SHORT)


def test_partial_close_returns_its_change() -> None:
    position = replay(fill("buy", "2", "100"))
    change = position.apply_fill(fill("sell", "0.5", "110", "0.055"))
    # (110 − 100) × 0.5 = 5 gross; the fee is booked in fees_paid, not in realized
    assert (change.trade, change.realized_pnl, change.opened_qty, change.closed_qty) == (
        None,
        D(5),
        D(0),
        D("0.5"),
    )
    assert (change.flipped, change.applied) == (False, True)
    assert (position.fees_paid, position.net_realized_pnl) == (D("0.055"), D("4.945"))


def test_full_close_makes_a_trade() -> None:
    position = replay(
        fill("buy", "1", "100", "0.1", minutes=0),
        fill("buy", "1", "110", "0.11", minutes=5),
        fill("sell", "0.5", "120", "0.06", minutes=10),
        leverage="5",
    )
    change = position.apply_fill(fill("sell", "1.5", "130", "0.195", minutes=60))
    trade = change.trade
    assert trade is not None
    # qty 2, cost 100 + 110 = 210, entry 105; exit (0.5×120 + 1.5×130) / 2 = 127.5
    # gross (60 + 195) − 210 = 45; fees 0.1 + 0.11 + 0.06 + 0.195 = 0.465; pnl 44.535
    # pnl_pct 44.535 / 210 × 100 = 21.2071428...
    assert (trade.side, trade.qty, trade.cost, trade.entry_price, trade.exit_price) == (
        PositionSide.LONG,
        D(2),
        D(210),
        D(105),
        D("127.5"),
    )
    assert (trade.fees, trade.pnl) == (D("0.465"), D("44.535"))
    assert trade.pnl_pct.quantize(D("0.0001")) == D("21.2071")
    assert (trade.opened_at, trade.holding_time.total_seconds()) == (T0, 3600)
    assert (trade.leverage, trade.is_spot, trade.account, trade.symbol) == (
        D(5),
        False,
        ACCOUNT,
        PERP.symbol,
    )
    # The closing fill realized 195 − 157.5 = 37.5; the position is flat again.
    assert change.realized_pnl == D("37.5")
    assert (position.is_flat, position.side, position.entry_cost, position.opened_at) == (
        True,
        None,
        D(0),
        None,
    )
    assert (position.realized_pnl, position.fees_paid) == (D(45), D("0.465"))


def test_short_trade() -> None:
    position = replay(fill("sell", "2", "100", "0.2"))
    trade = position.apply_fill(fill("buy", "2", "90", "0.18")).trade
    # (100 − 90) × 2 = 20 gross − 0.38 fees = 19.62; pnl_pct 19.62 / 200 × 100 = 9.81
    assert trade is not None
    assert (trade.side, trade.pnl, trade.pnl_pct, trade.is_win) == (
        PositionSide.SHORT,
        D("19.62"),
        D("9.81"),
        True,
    )


def test_partial_closes_round_the_cost_share_down_and_the_trade_stays_exact() -> None:
    # 1@1 + 2@2: cost 5 for 3. Close 1@2: cost share 5/3 → 1.66666666 (down to 1e-8),
    # realized 0.33333334; close 2@2: the remaining 3.33333334, realized 0.66666666.
    position = replay(fill("buy", "1", "1"), fill("buy", "2", "2"))
    first = position.apply_fill(fill("sell", "1", "2"))
    assert (first.realized_pnl, position.entry_cost) == (D("0.33333334"), D("3.33333334"))
    last = position.apply_fill(fill("sell", "2", "2"))
    assert last.realized_pnl == D("0.66666666")
    assert last.trade is not None and last.trade.pnl == D(1)  # 6 − 5, no rounding left


@pytest.mark.parametrize(
    ("fee", "close_fee", "open_fee"),
    [
        ("0.33", "0.11", "0.22"),  # 0.33 × 1/3 = 0.11
        ("0.00000001", "0", "0.00000001"),  # 1e-8 / 3 rounds down to 0: the opening part takes it
        ("0.1", "0.03333333", "0.06666667"),  # the parts still sum to 0.1 exactly
    ],
)
def test_flip_closes_fully_and_opens_the_rest_splitting_the_fee(
    fee: str, close_fee: str, open_fee: str
) -> None:
    position = replay(fill("buy", "1", "100", "0.05"), leverage="3")
    change = position.apply_fill(fill("sell", "3", "110", fee, minutes=1), leverage=D(7))
    assert (change.flipped, change.closed_qty, change.opened_qty, change.realized_pnl) == (
        True,
        D(1),
        D(2),
        D(10),
    )
    assert change.trade is not None
    # the trade: (110 − 100) × 1 = 10 gross, minus its opening fee and the closing part
    assert (change.trade.fees, change.trade.pnl) == (
        D("0.05") + D(close_fee),
        10 - D("0.05") - D(close_fee),
    )
    assert change.trade.leverage == 3
    # the remainder: short 2 at 110, opened by the flip, with the new leverage
    assert (position.qty, position.avg_entry_price, position.leverage) == (D(-2), D(110), D(7))
    assert position.opened_at == change.trade.closed_at
    assert position.fees_paid == D("0.05") + D(fee)
    closing = position.apply_fill(fill("buy", "2", "110", minutes=2)).trade
    assert closing is not None and closing.fees == D(open_fee)


def test_spot_cannot_sell_more_than_it_holds() -> None:
    position = replay(fill("buy", "1.5", "100", on=SPOT), on=SPOT)
    with pytest.raises(
        DomainError, match=r"cannot sell 2 BTC/USDT .* holding of acc-1 is only 1\.5"
    ):
        position.apply_fill(fill("sell", "2", "110", on=SPOT))
    assert position.qty == D("1.5")


def test_spot_cannot_open_short() -> None:
    with pytest.raises(InvalidValueError, match="holding of acc-1 is only 0"):
        replay(fill("sell", "1", "100", on=SPOT), on=SPOT)


def test_spot_full_close_is_a_spot_trade_at_leverage_one() -> None:
    position = replay(fill("buy", "2", "100", on=SPOT), on=SPOT, leverage="5")
    trade = position.apply_fill(fill("sell", "2", "90", on=SPOT)).trade
    assert trade is not None
    assert (trade.is_spot, trade.leverage, trade.pnl, trade.pnl_pct) == (True, D(1), D(-20), D(-10))


def test_same_fill_twice_changes_nothing() -> None:
    position = replay(fill("buy", "2", "100"))
    closing = fill("sell", "2", "110", "0.1")
    assert position.apply_fill(closing).trade is not None
    before = state(position)
    assert position.apply_fill(closing) is UNCHANGED
    assert state(position) == before


@pytest.mark.parametrize(
    ("kind", "qty", "mark", "unrealized", "notional", "margin", "value"),
    [
        # long perp 2@100 ×5, mark 110: (110 − 100) × 2 = 20; 220; 200/5 = 40; 40 + 20
        ("perp", "2", "110", "20", "220", "40", "60"),
        # short perp 2@100 ×5, mark 110: (100 − 110) × 2 = −20; margin 40; 40 − 20
        ("perp", "-2", "110", "-20", "220", "40", "20"),
        # spot 2@100, mark 110: the coins are worth 220
        ("spot", "2", "110", "20", "220", "200", "220"),
    ],
)
def test_marking(
    kind: str, qty: str, mark: str, unrealized: str, notional: str, margin: str, value: str
) -> None:
    on = SPOT if kind == "spot" else PERP
    side = "buy" if D(qty) > 0 else "sell"
    position = replay(fill(side, str(abs(D(qty))), "100", on=on), on=on, leverage="5")
    m = D(mark)
    assert position.unrealized_pnl(m) == D(unrealized)
    assert position.notional(m) == D(notional)
    assert position.margin == D(margin)
    assert position.market_value(m) == D(value)


def test_flat_position_is_worth_nothing() -> None:
    position = Position(ACCOUNT, PERP)
    assert (position.is_flat, position.side, position.avg_entry_price) == (True, None, D(0))
    assert (position.unrealized_pnl(D(50)), position.market_value(D(50))) == (D(0), D(0))


def test_leverage_is_capped_and_kept_for_the_life_of_the_position() -> None:
    position = Position(ACCOUNT, PERP)
    position.apply_fill(fill("buy", "1", "100"), leverage=D(50))
    assert position.leverage == 20  # the instrument's max
    position.apply_fill(fill("buy", "1", "100"), leverage=D(2))  # scale-in: ignored
    assert position.leverage == 20
    with pytest.raises(InvalidValueError, match=r"at least 1, got 0\.5"):
        Position(ACCOUNT, PERP, D("0.5"))


@pytest.mark.parametrize(
    "stranger",
    [
        fill("buy", "1", "100", on=SPOT),
        Fill(
            **{
                **{n: getattr(fill("buy", "1", "1"), n) for n in Fill.__dataclass_fields__},
                "account": AccountId("acc-2"),
            }
        ),
    ],
)
def test_fill_of_another_account_or_symbol_is_refused(stranger: Fill) -> None:
    with pytest.raises(InvalidValueError, match="does not belong to the position of acc-1"):
        Position(ACCOUNT, PERP).apply_fill(stranger)


def test_rebuild_returns_the_closed_trades() -> None:
    fills = [
        fill("buy", "1", "100"),
        fill("sell", "1", "110"),
        fill("sell", "1", "120"),
        fill("buy", "1", "100"),
    ]
    position, trades = position_from_fills(ACCOUNT, PERP, fills)
    # long +10, then short (120 − 100) = +20
    assert [(t.side, t.pnl) for t in trades] == [
        (PositionSide.LONG, D(10)),
        (PositionSide.SHORT, D(20)),
    ]
    assert position.is_flat
