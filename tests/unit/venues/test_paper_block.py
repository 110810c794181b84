"""A provider's order and its copies placed as one block on the paper venue
(docs/venues.md "Block execution"), hand-computed on a book of 1 ETH a level, levels 1
USDT apart, 3 levels, mark 2000, tick 0.1, lot step 0.001, no fees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from copytrade.adapters.venues.paper import block, matching
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import DEEP, T0, req

D = Decimal
NOW = T0 + timedelta(seconds=1)


def working_set(cash: str = "100000") -> matching.WorkingSet:
    books = {
        a: AccountBook(AccountId(a), cash={"USDT": D(cash)}) for a in ("p", "f1", "f2", "f3")
    }
    return matching.WorkingSet({DEEP.symbol: DEEP}, {DEEP.symbol: D(2000)}, books, {})


def buy(account: str, qty: str, limit: str | None = None) -> OrderRequest:
    return req(f"{account}-b", "buy", qty, symbol=DEEP.symbol, account=account, limit=limit)


def shares(answers: list[VenueOrder]) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {a.account: (a.filled_qty, a.avg_fill_price) for a in answers}


def test_a_block_the_book_cannot_fill_is_shared_pro_rata_at_one_price() -> None:
    work = working_set()
    orders = [buy("p", "1"), buy("f1", "1"), buy("f2", "1"), buy("f3", "0.5")]
    answers = block.place_block(work, orders, NOW)
    # 3.5 asked, 3 there: 1 @ 2000, 1 @ 2001, 1 @ 2002, 6003 / 3 = 2001 for all.
    # 3 × 1 / 3.5 = 0.857142… → 0.857 each; 3 × 0.5 / 3.5 = 0.428571… → 0.428; the lot
    # left over (3 − 2.999) goes to the largest part rounded away: f3's 0.000571….
    assert shares(answers) == {
        "p": (D("0.857"), D(2001)), "f1": (D("0.857"), D(2001)),
        "f2": (D("0.857"), D(2001)), "f3": (D("0.429"), D(2001)),
    }  # fmt: skip
    assert sum(a.filled_qty for a in answers) == D(3)  # nothing lost
    assert {a.status for a in answers} == {OrderStatus.CANCELLED}  # the rest found no depth
    assert all(len(a.fills) == 1 for a in answers)
    assert work.taken[(DEEP.symbol, Side.BUY)] == D(3)
    assert answers[0].fills[0].fill_id == block.block_fill_id("p", "p-b")


def test_the_average_is_rounded_to_the_tick() -> None:
    work = working_set()
    answers = block.place_block(work, [buy("p", "1"), buy("f1", "0.5")], NOW)
    # 1 @ 2000 + 0.5 @ 2001 = 3000.5 for 1.5: 2000.333… → 2000.3, whole orders filled.
    assert shares(answers) == {"p": (D(1), D("2000.3")), "f1": (D("0.5"), D("2000.3"))}
    assert {a.status for a in answers} == {OrderStatus.FILLED}


def test_an_order_whose_limit_the_price_breaks_leaves_and_the_rest_walk_again() -> None:
    work = working_set()
    answers = block.place_block(work, [buy("p", "1"), buy("f1", "1", limit="2000.4")], NOW)
    # Together: 2000 and 2001, 2000.5 > f1's limit; p alone then takes 1 @ 2000.
    assert shares(answers) == {"p": (D(1), D(2000)), "f1": (D(0), None)}
    assert answers[1].status is OrderStatus.CANCELLED and "limit 2000.4" in str(answers[1].reason)
    assert work.taken[(DEEP.symbol, Side.BUY)] == D(1)


def test_an_order_its_account_cannot_pay_leaves_the_block() -> None:
    work = working_set()
    work.books["f1"] = AccountBook(AccountId("f1"), cash={"USDT": D(100)})
    answers = block.place_block(work, [buy("p", "1"), buy("f1", "1")], NOW)
    assert shares(answers)["p"] == (D(1), D(2000))
    assert answers[1].filled_qty == 0 and "free cash of f1" in str(answers[1].reason)


def test_a_block_walks_on_from_what_earlier_orders_of_the_moment_took() -> None:
    work = working_set()
    matching.place(work, req("x", "buy", "1.5", symbol=DEEP.symbol, account="f3"), NOW)
    answers = block.place_block(work, [buy("p", "1"), buy("f1", "0.5")], NOW)
    # 0.5 @ 2001 + 1 @ 2002 = 3002.5 for 1.5: 2001.666… → 2001.7.
    assert {a.avg_fill_price for a in answers} == {D("2001.7")}
    assert work.taken[(DEEP.symbol, Side.BUY)] == D(3)


def test_a_block_sent_again_is_answered_as_placed_and_takes_nothing_more() -> None:
    work = working_set()
    orders = [buy("p", "1"), buy("f1", "0.5")]
    first = block.place_block(work, orders, NOW)
    again = block.place_block(work, orders, NOW)
    assert again == first
    assert work.taken[(DEEP.symbol, Side.BUY)] == D("1.5")
    assert len(work.new_fills) == 2


def test_a_reduce_only_order_that_would_grow_is_rejected_outside_the_block() -> None:
    work = working_set()
    close = req("f1-s", "buy", "1", symbol=DEEP.symbol, account="f1", reduce_only=True)
    answers = block.place_block(work, [buy("p", "1"), close], NOW)
    assert answers[1].status is OrderStatus.REJECTED
    assert shares(answers)["p"] == (D(1), D(2000))


def test_without_the_providers_order_no_copy_fills() -> None:
    work = working_set()
    work.books["p"] = AccountBook(AccountId("p"), cash={"USDT": D(100)})
    answers = block.place_block(work, [buy("p", "1"), buy("f1", "1"), buy("f2", "1")], NOW)
    assert [a.status for a in answers] == [OrderStatus.REJECTED] * 3
    assert answers[0].reject_reason is RejectReason.INSUFFICIENT_BALANCE
    assert {a.reject_reason for a in answers[1:]} == {RejectReason.BLOCK_WITHOUT_PROVIDER}
    assert work.new_fills == [] and work.taken == {}


def test_a_provider_order_refused_by_its_checks_takes_its_copies_out_too() -> None:
    work = working_set()
    tiny = buy("p", "0.0001")  # below the lot step
    answers = block.place_block(work, [tiny, buy("f1", "1")], NOW)
    assert answers[0].reject_reason is RejectReason.INVALID_QUANTITY
    assert answers[1].reject_reason is RejectReason.BLOCK_WITHOUT_PROVIDER
    assert work.new_fills == []


def test_a_replayed_share_fills_whole_at_the_blocks_price_and_counts_as_taken() -> None:
    # A what-if's copy of a recorded block (docs/whatif.md, "A shared, depleting book").
    work = working_set()
    answer = block.place_share(work, buy("f1", "0.5"), D("2002.5"), NOW)
    assert (answer.filled_qty, answer.avg_fill_price) == (D("0.5"), D("2002.5"))
    assert answer.status is OrderStatus.FILLED and len(answer.fills) == 1
    assert work.taken[(DEEP.symbol, Side.BUY)] == D("0.5")
    assert block.place_share(work, buy("f1", "0.5"), D(1), NOW) is answer  # seen: as stored


def test_a_replayed_share_its_account_cannot_pay_is_rejected() -> None:
    work = working_set(cash="100")
    answer = block.place_share(work, buy("f1", "1"), D(2000), NOW)
    assert answer.filled_qty == 0 and answer.reject_reason is RejectReason.INSUFFICIENT_BALANCE
    assert (DEEP.symbol, Side.BUY) not in work.taken
