"""``place_batch``: one transaction for thousands of orders, same answers as one by one."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine, insert

from copytrade.adapters.db.schema import PaperBalanceRow
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import PERP, SPOT, T0, req

D = Decimal
N = 2000


def _fund(engine: Engine, accounts: list[str]) -> None:
    # Seeded in one statement: 4,000 deposits one by one would dominate the test's time.
    rows = [{"account": a, "currency": "USDT", "amount": D(1000)} for a in accounts]
    with engine.begin() as conn:
        conn.execute(insert(PaperBalanceRow), rows)


def _requests(prefix: str) -> list[OrderRequest]:
    """A mix: spot and perp, market and limit; every 7th cannot be afforded."""
    requests = []
    for i in range(N):
        account = f"{prefix}-{i}"
        if i % 7 == 0:
            requests.append(req(f"c{i}", "buy", "1", account=account))  # 50,000 > 1000
        elif i % 3 == 0:
            requests.append(req(f"c{i}", "sell", "0.1", symbol=PERP.symbol, leverage="10",
                                account=account))  # fmt: skip
        elif i % 3 == 1:
            requests.append(req(f"c{i}", "buy", "0.01", account=account, limit="49000"))
        else:
            requests.append(req(f"c{i}", "buy", "0.0123", account=account))
    return requests


def _comparable(order: VenueOrder) -> tuple[object, ...]:
    return (order.client_order_id, order.status, order.filled_qty, order.avg_fill_price,
            order.fees, order.reject_reason)  # fmt: skip


def test_a_batch_gives_the_same_result_as_placing_one_by_one(
    db_engine: Engine, venue: PaperVenue
) -> None:
    _fund(db_engine, [f"{p}-{i}" for p in ("batch", "single") for i in range(N)])
    venue.set_price(SPOT.symbol, D(50000), T0)
    venue.set_price(PERP.symbol, D(50000), T0)

    batch_requests = _requests("batch")
    duplicate = batch_requests[1]  # already in the batch: answered, not placed twice
    started = time.perf_counter()
    batch = venue.place_batch([*batch_requests, duplicate])
    batch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    single = [venue.place(request) for request in _requests("single")]
    single_seconds = time.perf_counter() - started

    assert batch[-1] == batch[1]
    assert [_comparable(o) for o in batch[:-1]] == [_comparable(o) for o in single]
    for i in (0, 1, 2, 3, 1998, 1999):
        assert venue.balances(f"batch-{i}") == venue.balances(f"single-{i}")
        assert venue.positions(f"batch-{i}") == [
            replace(p, account=f"batch-{i}") for p in venue.positions(f"single-{i}")
        ]
    statuses = {o.status for o in batch}
    assert statuses == {OrderStatus.FILLED, OrderStatus.ACCEPTED, OrderStatus.REJECTED}
    # every 7th of 2000 (0, 7, ..., 1995) asks for 50,000 USDT of 1000
    assert sum(o.reject_reason is RejectReason.INSUFFICIENT_BALANCE for o in batch) == 286
    fills, _ = venue.fills_since(0, 10 * N)
    assert len(fills) == 2 * sum(bool(o.fills) for o in single)
    print(
        f"\n{db_engine.dialect.name}: place_batch of {N} orders {batch_seconds:.2f}s, "
        f"one by one {single_seconds:.2f}s ({single_seconds / batch_seconds:.0f}x)"
    )
