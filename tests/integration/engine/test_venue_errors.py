"""Venue errors during a copy: temporary ones retried with backoff up to a cap, permanent
ones recorded as the decision's reason. Nothing is logged and forgotten: every follower
ends with an order or a recorded reason.

The copies go through a real ``Executor`` and ``CopyFanout`` whose venue is ``FlakyVenue``
(the paper venue behind a link that fails as told); the provider's own order and the
later recovery use the platform's healthy paper venue, as a restarted process would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError, VenueError
from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, VenueOrder, VenuePosition
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill
from copytrade.engine.execution import Executor, RetryPolicy, VenueUnavailableError
from copytrade.engine.fanout import CopyFanout

from .harness import PERP, Harness

FOLLOWERS = 10
# 0.1 s, doubling, capped at 0.3 s: four attempts wait 0.1, 0.2, 0.3.
RETRY = RetryPolicy(attempts=4, first_delay_s=0.1, max_delay_s=0.3)


class FlakyVenue:
    """The paper venue behind a link whose next ``place_batch`` calls fail as told.

    With ``placed_then_lost`` the venue does place the orders before the error, as
    when a timeout loses the answer: a retry must then not place them twice.
    """

    def __init__(
        self, venue: PaperVenue, failures: Sequence[VenueError], placed_then_lost: bool = False
    ) -> None:
        self._venue = venue
        self._failures = list(failures)
        self._placed_then_lost = placed_then_lost
        self.calls = 0

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        self.calls += 1
        if self._failures:
            if self._placed_then_lost:
                self._venue.place_batch(requests)
            raise self._failures.pop(0)
        return self._venue.place_batch(requests)

    def place(self, request: OrderRequest) -> VenueOrder:
        return self.place_batch([request])[0]

    def cancel(self, account: str, client_order_id: ClientOrderId) -> VenueOrder:
        return self._venue.cancel(account, client_order_id)

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        return self._venue.get_order(account, client_order_id, symbol)

    def positions(self, account: str) -> list[VenuePosition]:
        return self._venue.positions(account)

    def balances(self, account: str) -> Mapping[str, D]:
        return self._venue.balances(account)

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        return self._venue.fills_since(cursor, limit, skip)


class Setup:
    """A provider, ``FOLLOWERS`` followers and one too small to copy, on a healthy venue."""

    def __init__(self, db: Engine) -> None:
        self.h = h = Harness(db)
        h.tick(PERP.symbol, "50000")
        self.pro = h.provider("pro", "10000")
        # 1,000 × 20 % usage = 200 notional → 0.004 BTC each.
        self.rels = [
            h.follow(h.follower(f"f{i}", "5000"), self.pro, "1000") for i in range(FOLLOWERS)
        ]
        # 10 × 20 % = 2 notional, under the 5 minimum: skipped by the gate, with its reason.
        self.tiny = h.follow(h.follower("tiny", "100"), self.pro, "10")
        self.sleeps: list[float] = []
        self.orders = 0

    def copy_through(self, venue: FlakyVenue, side: str, qty: str) -> None:
        """The provider trades; its fill is copied through ``venue`` (a fresh executor)."""
        h, engine = self.h, self.h.engine
        executor = Executor(
            venue, engine.uow_factory, engine.bookkeeper, h.clock.now, RETRY, self.sleeps.append
        )
        fanout = CopyFanout(
            engine.uow_factory,
            engine.instruments,
            engine.relationships,
            executor,
            engine.prices.snapshot,
            h.clock.now,
        )
        self.orders += 1
        h.platform.provider_orders.place(
            self.pro, ClientOrderId(f"pro-flaky-{self.orders}"), PERP.symbol, Side(side), D(qty)
        )
        engine.ingestor.pump()  # books the provider fill and announces it
        with h.platform.uow() as uow:
            (message,) = uow.outbox.pending(10)
        fanout.handle(message.message_id, message.payload)

    def decisions(self) -> list[tuple[str, str, str, str | None]]:
        with self.h.platform.uow() as uow:
            return [(d.relationship_id, d.leg, d.action, d.reason) for d in uow.decisions.all()]

    def qty(self, rel: str) -> D:
        with self.h.platform.uow() as uow:
            return sum((p.position.qty for p in uow.positions.for_book(rel)), D(0))

    def assert_books_balance(self) -> None:
        with self.h.platform.uow() as uow:
            assert uow.ledger.reconcile().ok
            assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
            assert uow.orders.unconfirmed() == []


@pytest.fixture
def s(db_engine: Engine) -> Setup:
    return Setup(db_engine)


def test_temporary_errors_under_the_cap_are_retried_with_backoff(s: Setup) -> None:
    venue = FlakyVenue(s.h.platform.venue, [TemporaryVenueError("rate limited")] * 2)
    s.copy_through(venue, "buy", "0.04")
    assert venue.calls == 3
    assert s.sleeps == [0.1, 0.2]
    assert s.decisions() == [(r, "open", "placed", None) for r in s.rels] + [
        (s.tiny, "open", "skipped", "below_minimum")
    ]
    assert [s.qty(r) for r in s.rels] == [D("0.004")] * FOLLOWERS
    s.assert_books_balance()


def test_an_answer_lost_after_placing_is_not_placed_twice_by_the_retry(s: Setup) -> None:
    venue = FlakyVenue(s.h.platform.venue, [TemporaryVenueError("timeout")], placed_then_lost=True)
    s.copy_through(venue, "buy", "0.04")
    assert venue.calls == 2
    # The retry got the orders the venue already had: one position each, not two.
    assert [s.qty(r) for r in s.rels] == [D("0.004")] * FOLLOWERS
    assert [p.qty for p in s.h.platform.venue.positions(s.rels[0])] == [D("0.004")]
    s.assert_books_balance()


def test_temporary_errors_past_the_cap_leave_intents_that_recovery_places_once(
    s: Setup,
) -> None:
    venue = FlakyVenue(s.h.platform.venue, [TemporaryVenueError("down")] * RETRY.attempts)
    with pytest.raises(VenueUnavailableError, match="4 attempts"):
        s.copy_through(venue, "buy", "0.04")
    assert venue.calls == RETRY.attempts
    assert s.sleeps == [0.1, 0.2, 0.3]  # 0.4 capped to 0.3
    with s.h.platform.uow() as uow:
        pending = uow.orders.unconfirmed()
    assert sorted(str(o.relationship_id) for o in pending) == sorted(s.rels)  # recorded, unsent
    assert [s.qty(r) for r in s.rels] == [D(0)] * FOLLOWERS
    # A later start (on the healthy venue) sends them, once; a second recovery adds nothing.
    s.h.engine.recover()
    s.h.engine.recover()
    assert [s.qty(r) for r in s.rels] == [D("0.004")] * FOLLOWERS
    assert [p.qty for p in s.h.platform.venue.positions(s.rels[0])] == [D("0.004")]
    assert len(s.decisions()) == FOLLOWERS + 1
    s.assert_books_balance()


@pytest.mark.parametrize(
    "message",
    [
        "account suspended",
        # An exchange may answer with a long body; the reason must still be recorded.
        "binance {"
        + '"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."' * 5
        + "}",
    ],
)
def test_a_permanent_error_is_every_decision_s_recorded_reason(s: Setup, message: str) -> None:
    s.h.trade(s.pro, "buy", "0.04")  # every follower holds 0.004 BTC (healthy venue)
    # The flip: sell 0.08 closes the provider's 0.04 and opens 0.04 short, two legs each.
    s.copy_through(FlakyVenue(s.h.platform.venue, [PermanentVenueError(message)]), "sell", "0.08")
    with s.h.platform.uow() as uow:
        decisions = uow.decisions.all()
        orders = {o.client_order_id: o for o in uow.orders.all()}
    legs = 2
    flip = [d for d in decisions if d.provider_fill_id == decisions[-1].provider_fill_id]
    assert len(flip) == (FOLLOWERS + 1) * legs  # every follower, every leg: a decision
    for d in flip:
        # Nothing lost: a decision names its order, or says why there is none.
        assert d.client_order_id in orders or d.reason
        if d.client_order_id is not None:
            assert d.action == "skipped"
            assert d.reason is not None and d.reason.startswith("venue:")
            assert d.reason.startswith("venue:venue_error: ") and len(d.reason) <= 200
            assert orders[d.client_order_id].status == "rejected"
    rejected = [d for d in flip if d.client_order_id is not None]
    assert len(rejected) == FOLLOWERS * legs
    # Nothing reached the venue, so the followers still hold their long.
    assert [s.qty(r) for r in s.rels] == [D("0.004")] * FOLLOWERS
    s.assert_books_balance()
