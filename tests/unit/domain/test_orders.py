"""Order lifecycle: the transition table, fills, redeliveries and refusals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from copytrade.domain.errors import DomainError, InvalidTransitionError, InvalidValueError
from copytrade.domain.ids import ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import (
    TRANSITIONS,
    Order,
    OrderAccepted,
    OrderCancelled,
    OrderEvent,
    OrderFilled,
    OrderRejected,
    OrderStatus,
    OrderType,
)
from copytrade.domain.values import Price, Quantity
from tests.unit.domain.fills_factory import ACCOUNT, PERP, T0, fill

S = OrderStatus


def order(
    qty: str = "1", type_: OrderType = OrderType.MARKET, limit: str | None = None, side: str = "buy"
) -> Order:
    return Order(
        order_id=OrderId("o-1"),
        client_order_id=ClientOrderId("c-1"),
        account=ACCOUNT,
        instrument=PERP,
        side=Side(side),
        type=type_,
        qty=Quantity(qty),
        limit_price=None if limit is None else Price(limit),
        created_at=T0,
    )


def order_in(status: OrderStatus) -> Order:
    """An order of qty 1 brought to ``status`` through events only."""
    o = order()
    steps: dict[OrderStatus, list[OrderEvent]] = {
        S.NEW: [],
        S.ACCEPTED: [OrderAccepted(T0)],
        S.PARTIALLY_FILLED: [OrderAccepted(T0), OrderFilled(fill("buy", "0.4", "100"))],
        S.FILLED: [OrderAccepted(T0), OrderFilled(fill("buy", "1", "100"))],
        S.CANCELLED: [OrderAccepted(T0), OrderCancelled(T0, "user")],
        S.REJECTED: [OrderRejected(T0, "insufficient margin")],
    }
    for event in steps[status]:
        assert o.apply(event)
    assert o.status is status
    return o


EVENTS: dict[str, Callable[[], OrderEvent]] = {
    "accept": lambda: OrderAccepted(T0),
    "fill": lambda: OrderFilled(fill("buy", "0.1", "100")),
    "cancel": lambda: OrderCancelled(T0, "user"),
    "reject": lambda: OrderRejected(T0, "venue said no"),
}

# Every (status, event) pair, written out by hand: the status it leads to and
# whether apply() reports a change. "refused" raises InvalidTransitionError.
LIFECYCLE = [
    (S.NEW, "accept", S.ACCEPTED, True),
    (S.NEW, "fill", S.PARTIALLY_FILLED, True),  # a fill may overtake its ack
    (S.NEW, "cancel", S.CANCELLED, True),
    (S.NEW, "reject", S.REJECTED, True),
    (S.ACCEPTED, "accept", S.ACCEPTED, False),  # redelivered ack
    (S.ACCEPTED, "fill", S.PARTIALLY_FILLED, True),
    (S.ACCEPTED, "cancel", S.CANCELLED, True),
    (S.ACCEPTED, "reject", "refused", None),
    (S.PARTIALLY_FILLED, "accept", S.PARTIALLY_FILLED, False),  # late ack
    (S.PARTIALLY_FILLED, "fill", S.PARTIALLY_FILLED, True),  # 0.4 + 0.1 of 1
    (S.PARTIALLY_FILLED, "cancel", S.CANCELLED, True),
    (S.PARTIALLY_FILLED, "reject", "refused", None),
    (S.FILLED, "accept", S.FILLED, False),  # late ack
    (S.FILLED, "fill", "refused", None),
    (S.FILLED, "cancel", "refused", None),
    (S.FILLED, "reject", "refused", None),
    (S.CANCELLED, "accept", "refused", None),
    (S.CANCELLED, "fill", "refused", None),
    (S.CANCELLED, "cancel", S.CANCELLED, False),  # redelivered cancel
    (S.CANCELLED, "reject", "refused", None),
    (S.REJECTED, "accept", "refused", None),
    (S.REJECTED, "fill", "refused", None),
    (S.REJECTED, "cancel", "refused", None),
    (S.REJECTED, "reject", S.REJECTED, False),  # redelivered rejection
]


def test_lifecycle_table_covers_every_pair() -> None:
    assert {(s, e) for s, e, _, _ in LIFECYCLE} == {(s, e) for s in S for e in EVENTS}
    allowed = {(s, type(EVENTS[e]())) for s, e, target, _ in LIFECYCLE if target != "refused"}
    assert set(TRANSITIONS) == allowed


@pytest.mark.parametrize(("status", "event", "target", "changed"), LIFECYCLE)
def test_lifecycle(status: OrderStatus, event: str, target: object, changed: object) -> None:
    o = order_in(status)
    if target == "refused":
        with pytest.raises(InvalidTransitionError, match=f"is {status}: cannot apply"):
            o.apply(EVENTS[event]())
        assert o.status is status
    else:
        assert o.apply(EVENTS[event]()) is changed
        assert o.status is target


def test_partial_fills_then_filled() -> None:
    # 0.3 @ 100 then 0.7 @ 101: avg = (30 + 70.7) / 1 = 100.7; fees 0.015 + 0.035
    o = order()
    assert o.apply(OrderFilled(fill("buy", "0.3", "100", "0.015")))
    assert (o.status, o.filled_qty, o.remaining_qty) == (
        S.PARTIALLY_FILLED,
        Decimal("0.3"),
        Decimal("0.7"),
    )
    assert not o.is_terminal
    assert o.apply(OrderFilled(fill("buy", "0.7", "101", "0.035")))
    assert (o.status, o.filled_qty, o.remaining_qty) == (S.FILLED, Decimal(1), Decimal(0))
    assert o.avg_fill_price == Decimal("100.7")
    assert o.fees == Decimal("0.050")
    assert o.is_terminal


def test_same_fill_twice_is_a_no_op() -> None:
    o = order()
    first = fill("buy", "0.4", "100", "0.02")
    assert o.apply(OrderFilled(first)) is True
    assert o.apply(OrderFilled(first)) is False
    assert (o.filled_qty, o.fees, o.fill_ids) == (
        Decimal("0.4"),
        Decimal("0.02"),
        frozenset({first.fill_id}),
    )


def test_redelivered_fill_of_a_filled_order_is_a_no_op() -> None:
    o = order()
    whole = fill("buy", "1", "100")
    o.apply(OrderFilled(whole))
    assert o.apply(OrderFilled(whole)) is False
    assert o.status is S.FILLED


def test_cancel_keeps_what_was_filled() -> None:
    o = order_in(S.PARTIALLY_FILLED)
    assert o.apply(OrderCancelled(T0, "expired"))
    assert (o.status, o.filled_qty, o.reason, o.is_terminal) == (
        S.CANCELLED,
        Decimal("0.4"),
        "expired",
        True,
    )


def test_no_avg_price_before_a_fill() -> None:
    assert order().avg_fill_price is None


@pytest.mark.parametrize(
    ("bad_fill", "message"),
    [
        (fill("buy", "1.001", "100"), "overfills order o-1: only 1 of 1 remains"),
        (fill("sell", "0.1", "100"), "does not belong to order o-1"),
        (fill("buy", "0.1", "100", order_id="o-2"), "does not belong to order o-1"),
    ],
)
def test_fill_that_does_not_fit_is_refused(bad_fill: Fill, message: str) -> None:
    o = order()
    with pytest.raises(InvalidValueError, match=message):
        o.apply(OrderFilled(bad_fill))
    assert (o.status, o.filled_qty, o.fill_ids) == (S.NEW, Decimal(0), frozenset[FillId]())


def test_overfill_after_partial_fill_names_the_remainder() -> None:
    o = order_in(S.PARTIALLY_FILLED)  # 0.4 of 1 filled
    with pytest.raises(InvalidValueError, match=r"only 0\.6 of 1 remains"):
        o.apply(OrderFilled(fill("buy", "0.7", "100")))


@pytest.mark.parametrize(
    ("side", "limit", "price", "ok"),
    [
        ("buy", "100", "99.5", True),  # a buy may fill below its limit
        ("buy", "100", "100", True),
        ("buy", "100", "100.01", False),  # never above it
        ("sell", "100", "100.5", True),
        ("sell", "100", "99.99", False),
    ],
)
def test_limit_price_is_respected(side: str, limit: str, price: str, ok: bool) -> None:
    o = order(type_=OrderType.LIMIT, limit=limit, side=side)
    event = OrderFilled(fill(side, "0.5", price))
    if ok:
        assert o.apply(event)
    else:
        with pytest.raises(InvalidValueError, match=f"worse than the {side} limit {limit}"):
            o.apply(event)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type_": OrderType.LIMIT}, "needs a price"),
        ({"type_": OrderType.LIMIT, "limit": "0"}, "needs a positive price, got 0"),
        ({"limit": "100"}, "must not carry a limit price"),
        ({"qty": "0.0005"}, "not a multiple of the lot step 0.001"),
        ({"qty": "0"}, "quantity must be positive, got 0"),
        ({"qty": "5000"}, "exceeds max 1000"),
    ],
)
def test_invalid_order_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        order(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"qty": Decimal(0)}, "positive quantity and price"),
        ({"price": Decimal(0)}, "positive quantity and price"),
        ({"fee": Decimal("-0.01")}, "fee must be a finite amount of at least 0, got -0.01"),
        ({"side": "hold"}, "side must be 'buy' or 'sell'"),
        ({"liquidity": "both"}, "liquidity must be 'maker' or 'taker'"),
    ],
)
def test_invalid_fill_is_refused(changes: dict[str, object], message: str) -> None:
    base = fill("buy", "1", "100")
    fields = {name: getattr(base, name) for name in Fill.__dataclass_fields__}
    with pytest.raises(DomainError, match=message):
        Fill(**(fields | changes))


def test_fill_normalises_plain_values() -> None:
    base = fill("buy", "1", "100")
    fields = {name: getattr(base, name) for name in Fill.__dataclass_fields__}
    normalised = Fill(**(fields | {"side": "SELL", "liquidity": "maker", "qty": "2"}))
    assert (normalised.side, normalised.liquidity) == (Side.SELL, Liquidity.MAKER)
    assert (type(normalised.qty), normalised.signed_qty, normalised.notional) == (
        Quantity,
        Decimal(-2),
        Decimal(200),
    )
