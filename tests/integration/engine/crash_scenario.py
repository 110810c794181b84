"""The crash-recovery scenario, shared by the killed child process and the tests.

One provider with 10,000 USDT, ``FOLLOWERS`` followers copying it proportionally,
one provider market order of 0.04 BTC on the perp at 50,000. Each process opens
the database by URL, so the child and the test see the same file (or schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal as D
from typing import Any

from sqlalchemy import func, select

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.schema import (
    FillRow,
    LedgerBalanceRow,
    LedgerTransferRow,
    OutboxRow,
    PaperFillRow,
    PaperOrderRow,
    ProcessedMessageRow,
)
from copytrade.config import Settings
from copytrade.domain.ids import ClientOrderId, ProviderId, RelationshipId
from copytrade.domain.instruments import Side
from copytrade.domain.values import round_down
from copytrade.engine.execution import Checkpoints

from .harness import PERP, Harness

FOLLOWERS = 50
PRICE = D("50000")
PROVIDER = ProviderId("pro")
PROVIDER_ORDER = ClientOrderId("pro-1")
PROVIDER_QTY = D("0.04")


def allocation(i: int) -> D:
    """1,000 / 1,250 / 1,500 / 1,750: distinct sizes, so a copy sent to the wrong book shows."""
    return D(1000 + 250 * (i % 4))


def expected_qty(i: int) -> D:
    # Usage = 0.04 × 50,000 / 10,000 = 20 %; notional = allocation × 20 %; qty = notional /
    # 50,000 down to the 0.001 lot: 200 → 0.004, 250 → 0.005, 300 → 0.006, 350 → 0.007.
    return round_down(allocation(i) * D("0.2") / PRICE, PERP.lot_step)


def relationship(i: int) -> RelationshipId:
    return RelationshipId(f"f{i:03d}:{PROVIDER}")


@contextmanager
def running(url: str, checkpoints: Checkpoints = Checkpoints()) -> Iterator[Harness]:
    """A freshly built platform on ``url`` (what a restarted process has), disposed after."""
    db = make_engine(Settings(database_url=url))
    try:
        h = Harness(db)
        h.engine.executor.checkpoints = checkpoints
        # A restarted engine has an empty price book until the feed speaks: take the
        # last prices the venue stored, as the feed's first tick would.
        for symbol, price in h.platform.venue.prices().items():
            h.engine.prices.update(symbol, price, h.clock.now())
        yield h
    finally:
        db.dispose()


def set_up(url: str) -> None:
    """Migrate, then one provider and ``FOLLOWERS`` followers copying it (not yet trading)."""
    db = make_engine(Settings(database_url=url))
    upgrade_database(db)
    db.dispose()
    with running(url) as h:
        h.tick(PERP.symbol, str(PRICE))
        h.provider(str(PROVIDER), "10000")
        for i in range(FOLLOWERS):
            h.follow(h.follower(f"f{i:03d}", "5000"), PROVIDER, str(allocation(i)))


def place_provider_order(h: Harness, orders: Any = None) -> None:
    """The provider's market buy; ``orders`` replaces the platform's ProviderOrders."""
    (orders or h.platform.provider_orders).place(
        PROVIDER, PROVIDER_ORDER, PERP.symbol, Side.BUY, PROVIDER_QTY
    )


def state(h: Harness) -> dict[str, object]:
    """Everything exactly-once is about, as plain values: equal states mean nothing changed."""
    with h.platform.uow() as uow:
        s = uow.session
        counts = {
            row.__tablename__: s.scalar(select(func.count()).select_from(row))
            for row in (
                FillRow,
                LedgerTransferRow,
                OutboxRow,
                PaperFillRow,
                PaperOrderRow,
                ProcessedMessageRow,
            )
        }
        return {
            "counts": counts,
            "orders": [(o.client_order_id, o.status, o.filled_qty) for o in uow.orders.all()],
            "decisions": [
                (d.relationship_id, d.leg, d.action, d.reason, d.client_order_id)
                for d in uow.decisions.all()
            ],
            "positions": {
                (book, symbol): p.position.qty
                for (book, symbol), p in uow.positions.for_books(
                    [str(PROVIDER), *(relationship(i) for i in range(FOLLOWERS))]
                ).items()
            },
            "balances": sorted(
                (account, balance)
                for account, balance in s.execute(
                    select(LedgerBalanceRow.account, LedgerBalanceRow.balance)
                )
            ),
            "pending_outbox": len(uow.outbox.pending(100)),
        }
