"""The paper book depletes within a price moment (docs/venues.md "Depth"): a later taker
of the same moment walks what earlier takers left on its side; the other side is whole.
Hand-computed on a book of 1 ETH a level, levels 1 USDT apart, 3 levels, mark 2000."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from copytrade.adapters.venues.paper import matching
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import DEEP, PERP, T0, req

D = Decimal


def working_set() -> matching.WorkingSet:
    books = {a: AccountBook(AccountId(a), cash={"USDT": D(100000)}) for a in ("p", "f1", "f2", "s")}
    return matching.WorkingSet({DEEP.symbol: DEEP}, {DEEP.symbol: D(2000)}, books, {})


def buy(work: matching.WorkingSet, account: str, qty: str, limit: str | None = None):  # type: ignore[no-untyped-def]
    request = req(f"{account}-{qty}", "buy", qty, symbol=DEEP.symbol, account=account, limit=limit)
    return matching.place(work, request, T0 + timedelta(seconds=1))


def parts(order) -> list[tuple[Decimal, Decimal]]:  # type: ignore[no-untyped-def]
    return [(f.qty, f.price) for f in order.fills]


def test_a_second_order_of_the_moment_walks_the_remaining_depth() -> None:
    work = working_set()
    provider = buy(work, "p", "1.5")
    assert parts(provider) == [(D(1), D(2000)), (D("0.5"), D(2001))]  # avg 2000.333…
    follower = buy(work, "f1", "1")  # the rest of level 1, then level 2
    assert parts(follower) == [(D("0.5"), D(2001)), (D("0.5"), D(2002))]
    assert follower.avg_fill_price == D("2001.5")  # worse than the provider's
    assert work.taken[(DEEP.symbol, Side.BUY)] == D("2.5")
    last = buy(work, "f2", "1")  # only 0.5 is left of the 3 levels
    assert parts(last) == [(D("0.5"), D(2002))]
    assert (last.status, last.filled_qty) == (OrderStatus.CANCELLED, D("0.5"))
    assert work.taken[(DEEP.symbol, Side.BUY)] == D(3)
    assert work.changed_taken == {DEEP.symbol}


def test_the_other_side_and_a_limit_that_rests_take_nothing_more() -> None:
    work = working_set()
    buy(work, "p", "2")  # levels 0 and 1 of the asks
    sell = matching.place(work, req("s1", "sell", "1.5", symbol=DEEP.symbol, account="s"), T0)
    assert parts(sell) == [(D(1), D(2000)), (D("0.5"), D(1999))]  # the bids are whole
    limited = buy(work, "f1", "2", limit="2001")  # levels to 2001 are gone: it all rests
    assert (limited.status, limited.fills) == (OrderStatus.ACCEPTED, ())
    assert work.taken == {(DEEP.symbol, Side.BUY): D(2), (DEEP.symbol, Side.SELL): D("1.5")}


def test_without_a_depth_model_nothing_is_remembered() -> None:
    books = {"p": AccountBook(AccountId("p"), cash={"USDT": D(10**7)})}
    work = matching.WorkingSet({PERP.symbol: PERP}, {PERP.symbol: D(50000)}, books, {})
    order = matching.place(work, req("x", "buy", "50", symbol=PERP.symbol, account="p"), T0)
    assert parts(order) == [(D(50), D(50000))]
    assert (work.taken, work.changed_taken) == ({}, set())
