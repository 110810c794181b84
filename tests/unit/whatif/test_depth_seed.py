"""Where a what-if's walk of a depleting book starts (docs/whatif.md, "A shared,
depleting book"), on a recorded moment at T0: the provider's buy of 1 (its order ``po``,
fill ``F``), then the real copies of F by r1 (0.5) and r2 (0.5), then another account's
buy of 0.25 at T0 + 1 s."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from copytrade.adapters.db.repositories.recorded import TakerFill
from copytrade.adapters.venues.paper import matching
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.copying.plan import CopyLeg
from copytrade.domain.ids import (
    AccountId,
    ClientOrderId,
    FillId,
    OrderId,
    ProviderId,
    RelationshipId,
)
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.values import Price, Quantity
from copytrade.engine.messages import ProviderFilled
from copytrade.whatif.depth import DepthRecord, ReplaySeed
from tests.unit.venues.instruments import DEEP, T0, req

D = Decimal
SYMBOL = DEEP.symbol
KEY = (SYMBOL, Side.BUY)
LATER = T0 + timedelta(seconds=1)
FOLLOWER = "whatif-follower"


def taker(
    seq: int, order: str, qty: str, rel: str | None = None, at: datetime = T0
) -> TakerFill:
    copy_of = "F" if rel else None
    return TakerFill(seq, order, SYMBOL, Side.BUY, D(qty), at, rel, copy_of)


RECORD = (
    taker(1, "po", "1"),
    taker(2, "o1", "0.5", "r1"),
    taker(3, "o2", "0.5", "r2"),
    taker(4, "ox", "0.25", at=LATER),
)
PROVIDER_FILL = ProviderFilled(
    ProviderId("pro"),
    Fill(FillId("F"), OrderId("po"), ClientOrderId("pro-1"), AccountId("pro"), SYMBOL,
         Side.BUY, Quantity(D(1)), Price(D(2000)), D(0), Liquidity.TAKER, T0),
    D(1), D(0), D(100000), D(1),
)  # fmt: skip


def seed(in_place_of: str | None, blocks: frozenset[str] = frozenset()) -> ReplaySeed:
    record = DepthRecord({SYMBOL: (T0,)}, RECORD, blocks)
    return ReplaySeed(record, [PROVIDER_FILL], "whatif", in_place_of)


def copy_of_f(qty: str = "0.5") -> OrderRequest:
    """The what-if's copy of F, named as the fan-out names it."""
    cid = ClientOrderId.for_copy(FillId("F"), RelationshipId("whatif"), CopyLeg.OPEN.value)
    return req(str(cid), "buy", qty, symbol=SYMBOL, account=FOLLOWER)


def work() -> matching.WorkingSet:
    books = {FOLLOWER: AccountBook(AccountId(FOLLOWER), cash={"USDT": D(100000)})}
    return matching.WorkingSet({SYMBOL: DEEP}, {SYMBOL: D(2000)}, books, {})


def test_in_place_of_a_copy_it_walks_after_what_came_before_that_copy() -> None:
    for rel, before in (("r1", D(1)), ("r2", D("1.5"))):
        w = work()
        assert seed(rel).before(w, copy_of_f(), T0) is None
        assert w.taken[KEY] == before and SYMBOL in w.changed_taken


def test_a_hypothetical_copy_walks_after_the_provider_fill_and_every_real_copy_of_it() -> None:
    w = work()
    seed(None).before(w, copy_of_f(), T0)
    assert w.taken[KEY] == D(2)  # 1 + 0.5 + 0.5; the later order of T0 + 1 s not yet
    other = req("stop-1", "buy", "0.1", symbol=SYMBOL, account=FOLLOWER)
    w2 = work()
    seed(None).before(w2, other, LATER)
    assert w2.taken[KEY] == D("2.25")  # any other order: everything up to its time


def test_its_own_takes_are_kept_and_the_next_order_walks_after_its_real_counterpart() -> None:
    s, w = seed("r1"), work()
    request = copy_of_f()
    s.before(w, request, T0)
    answer = matching.place(w, request, T0)  # takes 0.5 of level 1 (after the provider's 1)
    s.after(request, answer)
    assert w.taken[KEY] == D("1.5")
    # Its second order of the moment: r1 had none, so after everything up to its time,
    # r1's own left out (the what-if's own 0.5 is in the count already).
    later = req("again", "buy", "0.1", symbol=SYMBOL, account=FOLLOWER)
    s.before(w, later, LATER)
    assert w.taken[KEY] == D(1) + D("0.5") + D("0.25") + D("0.5")


def test_a_copy_of_a_block_fill_is_told_the_blocks_price() -> None:
    assert seed("r1", frozenset({"F"})).before(work(), copy_of_f(), T0) == D(2000)
    sell = req(str(copy_of_f().client_order_id), "sell", "0.5", symbol=SYMBOL)
    assert seed("r1", frozenset({"F"})).before(work(), sell, T0) is None  # the other side


def test_without_a_recorded_price_nothing_is_seeded() -> None:
    w = work()
    assert seed("r1").before(w, copy_of_f(), T0 - timedelta(hours=1)) is None
    assert KEY not in w.taken
