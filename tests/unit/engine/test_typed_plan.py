"""The copy plan keeps ids, sides and order types typed from the gate to the venue request."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from copytrade.domain.copying import CopyAction, CopyRelationship, RelationshipState
from copytrade.domain.copying.plan import CopyLeg
from copytrade.domain.ids import (
    AccountId,
    ClientOrderId,
    FillId,
    FollowerId,
    OrderId,
    ProviderId,
    RelationshipId,
)
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderType
from copytrade.domain.values import Price, Quantity
from copytrade.engine.books import BookState
from copytrade.engine.execution import copy_request
from copytrade.engine.messages import ProviderFilled
from copytrade.engine.planning import plan_copies

from ..domain.copying.factories import PERP_SYMBOL, perp, settings

NOW = datetime(2026, 1, 5, tzinfo=UTC)
PROVIDER = ProviderId("prov-1")


def _relationship(name: str) -> CopyRelationship:
    return CopyRelationship(
        id=RelationshipId(f"{name}:prov-1"),
        follower=FollowerId(name),
        provider=PROVIDER,
        settings=settings(),
        state=RelationshipState(),
        net_allocated=D(2000),
        hwm=D(2000),
        owed=D(0),
        created_at=NOW,
    )


def _provider_filled(side: Side, qty: str, position_before: str) -> ProviderFilled:
    fill = Fill(
        fill_id=FillId("pf-1"),
        order_id=OrderId("po-1"),
        client_order_id=None,
        account=AccountId(str(PROVIDER)),
        symbol=PERP_SYMBOL,
        side=side,
        qty=Quantity(qty),
        price=Price("50000"),
        fee=D("2.5"),
        liquidity=Liquidity.TAKER,
        ts=NOW,
    )
    return ProviderFilled(PROVIDER, fill, D(qty), D(position_before), D(100000), D(1))


def test_an_opening_copy_is_planned_as_typed_values_and_sent_as_they_are() -> None:
    rels = [_relationship("alice"), _relationship("bob")]
    books = {rel.book: BookState(D(2000)) for rel in rels}
    event = _provider_filled(Side.BUY, "0.1", "0")
    plan = plan_copies(event, perp(), rels, books, {PERP_SYMBOL: D(50000)}, NOW)

    assert [d.decision.action for d in plan.decisions] == [CopyAction.PLACED] * 2
    assert [d.leg for d in plan.decisions] == [CopyLeg.OPEN, CopyLeg.OPEN]
    order = plan.orders[0]
    assert type(order.client_order_id) is ClientOrderId
    assert order.client_order_id == ClientOrderId.for_copy(FillId("pf-1"), rels[0].id, "open")
    assert type(order.relationship_id) is RelationshipId and order.book == rels[0].book
    assert order.side is Side.BUY and order.type is OrderType.MARKET
    assert order.qty == D("0.002") and not order.reduce_only
    request = copy_request(order)
    assert request.client_order_id is order.client_order_id
    assert request.side is Side.BUY and request.type is OrderType.MARKET
    assert request.account == order.book and request.qty == order.qty


def test_a_close_with_nothing_held_is_a_typed_skip_without_an_order() -> None:
    rel = _relationship("carol")
    event = _provider_filled(Side.SELL, "0.1", "0.1")
    plan = plan_copies(event, perp(), [rel], {rel.book: BookState(D(2000))}, {}, NOW)

    assert plan.orders == []
    (decision,) = plan.decisions
    assert decision.leg is CopyLeg.CLOSE and decision.client_order_id is None
    assert decision.decision.action is CopyAction.SKIPPED
