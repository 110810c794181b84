"""A large ``place_batch`` answers and stores exactly what its orders placed one batch each do.

The batch is matched in memory and written in bulk; placing each order in a
batch of its own goes through the same code one order at a time. Same clock
reading, same starting state: the answers (fills included) and every paper
table must come out identical, field for field.

One spelling differs on PostgreSQL, not a value: it hands NUMERIC(38, 18) back at
scale 18, so a rejection's reason that quotes a stored amount (a position read
back by the next single batch) writes ``-0.002000000000000000`` (or ``0E-18``) where the same
amount still in memory reads ``-0.002``. Reasons are compared with trailing
zeros of their numbers dropped (answers and the stored column); every number
field is compared as is.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select

from copytrade.adapters.db.schema import (
    PaperBalanceRow,
    PaperCashMoveRow,
    PaperFillRow,
    PaperOrderRow,
    PaperPositionRow,
    PaperPriceRow,
)
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import INSTRUMENTS, PERP, SPOT, T0, req

D = Decimal
ACCOUNTS = 120
_NUMBER = r"\d+(?:\.\d+)?(?:E[+-]?\d+)?"
TABLES = (PaperFillRow, PaperOrderRow, PaperPositionRow, PaperBalanceRow, PaperCashMoveRow)


class FixedClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> Any:
        return self.now


def _requests(round_: int) -> list[OrderRequest]:
    """Several orders per account, so later ones see what earlier ones did to its book."""
    requests = []
    for i in range(ACCOUNTS):
        a, c = f"acct-{i:04d}", f"r{round_}-{i}"
        perp = {"symbol": PERP.symbol, "account": a}
        requests += [
            req(f"{c}-open", "buy" if i % 2 else "sell", "0.004", leverage="5", **perp),
            req(f"{c}-more", "buy", "0.002", leverage="5", **perp),
            req(f"{c}-spot", "buy", "0.003", account=a),
            req(f"{c}-rest", "buy", "0.002", account=a, limit="48000"),
        ]
        if i % 5 == 0:
            requests.append(req(f"{c}-close", "sell", "0.006", reduce_only=True, **perp))
        if i % 7 == 0:
            requests.append(req(f"{c}-big", "buy", "1", account=a))  # cannot be afforded
        if i % 11 == 0:
            requests.append(req(f"{c}-flip", "sell", "0.01", reduce_only=True, **perp))
        if i % 13 == 0:
            requests.append(req(f"{c}-dust", "buy", "0.0001", account=a))  # below minimum
        if i % 17 == 0:
            requests.append(req(f"{c}-x", "buy", "1", symbol="ETH/USDT", account=a))
    return requests


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        for row in TABLES:
            conn.execute(delete(row))
        conn.execute(delete(PaperPriceRow))
        rows = [
            {"account": f"acct-{i:04d}", "currency": "USDT", "amount": D(300 + i)}
            for i in range(ACCOUNTS)
        ]
        conn.execute(insert(PaperBalanceRow), rows)


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every paper table's rows in key order; fills in stream order, without the sequence
    number (a database may not reuse the numbers of the run before)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for row in TABLES:
            table: Table = row.__table__  # type: ignore[assignment]
            columns = [c for c in table.c if c.key != "seq"]
            order = table.c.seq if "seq" in table.c else list(table.primary_key.columns)
            query = select(*columns).order_by(*(order if isinstance(order, list) else [order]))
            found[table.name] = [
                tuple(
                    _spelled(v) if c.key == "reason" else v for c, v in zip(columns, r, strict=True)
                )
                for r in conn.execute(query)
            ]
    return found


def _spelled(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    return re.sub(_NUMBER, lambda m: f"{D(m.group()).normalize():f}", text)


def _answer(order: VenueOrder) -> VenueOrder:
    return replace(order, reason=_spelled(order.reason))


def _run(engine: Engine, batched: bool) -> tuple[list[VenueOrder], dict[str, Any]]:
    _seed(engine)
    clock = FixedClock()
    venue = PaperVenue(engine, INSTRUMENTS, clock)
    venue.set_price(SPOT.symbol, D(50000), T0)
    venue.set_price(PERP.symbol, D(50000), T0)
    answers: list[VenueOrder] = []
    for round_ in range(2):  # the second round meets the positions the first opened
        clock.now = T0 + timedelta(minutes=round_ + 1)
        requests = _requests(round_)
        requests.append(requests[3])  # placed again: answered from the first time
        if batched:
            answers += venue.place_batch(requests)
        else:
            answers += [venue.place_batch([r])[0] for r in requests]
    venue.set_price(SPOT.symbol, D(47000), T0 + timedelta(minutes=5))  # the resting buys fill
    return answers, _tables(engine)


def test_one_batch_answers_and_stores_what_one_batch_per_order_does(db_engine: Engine) -> None:
    batch_answers, batch_state = _run(db_engine, batched=True)
    single_answers, single_state = _run(db_engine, batched=False)

    assert [_answer(o) for o in batch_answers] == [_answer(o) for o in single_answers]
    assert batch_state == single_state
    # The mix reached every path the batch has to get right.
    statuses = {o.status for o in batch_answers}
    assert statuses == {OrderStatus.FILLED, OrderStatus.ACCEPTED, OrderStatus.REJECTED}
    reasons = {o.reject_reason for o in batch_answers} - {None}
    assert reasons == {
        RejectReason.INSUFFICIENT_BALANCE,
        RejectReason.BELOW_MINIMUM,
        RejectReason.UNKNOWN_SYMBOL,
        RejectReason.REDUCE_ONLY_WOULD_INCREASE,
    }
    assert batch_answers[len(_requests(0))] == batch_answers[3]  # the repeat
    fills = batch_state["paper_fills"]
    assert len(fills) > 2 * ACCOUNTS  # opens, adds, spot buys, closes and resting fills
    assert len(batch_state["paper_positions"]) == 2 * ACCOUNTS
