"""Every stop is settled and its cash released, whoever raised it (docs/engine.md,
"Stopped relationships", "Max loss"): the gate before a copy, a withdrawal, a
price point of several symbols; and a provider who also follows spends its cash once.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.domain.copying import SizingMode, StopReason
from copytrade.domain.ids import FollowerId, RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO
from copytrade.service_layer.following.actions import CopyActionError, release_on_stop_key

from .harness import PERP, SPOT, Harness


def assert_stopped_settled_and_released(h: Harness, rel: RelationshipId, reason: str) -> None:
    with h.platform.uow() as uow:
        stored = uow.relationships.get(rel)
        assert str(stored.state.stop_reason) == reason
        assert uow.settlements.stopped_and_settled([rel]) == {rel}
        assert uow.ledger.transfer(release_on_stop_key(rel)) is not None
        cash = uow.ledger.balance(LedgerAccount.allocation_cash(rel))
        assert cash == stored.owed  # only an owed share may stay
        assert uow.outbox.pending(10) == []
    assert h.platform.venue.balances(rel).get(USDT.code, ZERO) == cash


def test_a_max_loss_stop_raised_by_the_gate_is_settled_and_released(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    # Multiplier 4: 1,000 × 20 % × 4 = 800 notional → 0.016 BTC.
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", mode=SizingMode.MULTIPLIER,
                   multiplier=D(4), max_loss_pct=D(20))  # fmt: skip
    h.trade(pro, "buy", "0.04")
    # The market falls to 35,000 without a price update reaching the max-loss check
    # (the gate is the check before every copy): 0.016 × 15,000 = 240 lost, 24 %.
    h.engine.prices.update(PERP.symbol, D(35000), h.clock.now())
    h.platform.venue.set_price(PERP.symbol, D(35000), h.clock.now())
    h.trade(pro, "buy", "0.01")
    assert_stopped_settled_and_released(h, rel, StopReason.MAX_LOSS.value)


def test_a_withdrawal_past_the_max_loss_stops_an_all_cash_relationship(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", mode=SizingMode.MULTIPLIER,
                   multiplier=D(4), max_loss_pct=D(20))  # fmt: skip
    h.trade(pro, "buy", "0.04")  # 0.016 BTC copied
    h.tick(PERP.symbol, "40625")  # 0.016 × 9,375 = 150 lost: 15 %, under the limit
    h.trade(pro, "sell", "0.04")  # closed: all cash, about 849.4 left
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.mirrors_closes
    # (849.4 − 300) / (1,000 − 300) = 0.785: a drawdown of 21.5 % ≥ 20 %.
    h.platform.actions.withdraw(rel, D(300), key="w1")
    h.engine.pump()  # what every entry point does after an action: the stop's messages
    assert_stopped_settled_and_released(h, rel, StopReason.MAX_LOSS.value)


def test_a_stop_at_a_price_point_closes_every_symbol_at_that_points_prices(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "2575.87")
    pro = h.provider("pro", "100000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", mode=SizingMode.MULTIPLIER,
                   multiplier=D(4), max_loss_pct=D(20))  # fmt: skip
    h.trade(pro, "buy", "0.4")  # 1,000 × 20 % × 4 = 800 → 0.016 BTC
    h.trade(pro, "buy", "1", symbol=SPOT.symbol)  # 1,000 × ~2.6 % × 4 → ETH
    # One moment: BTC falls far enough to stop the copy, and ETH is quoted lower.
    h.engine.on_prices({PERP.symbol: D(30000), SPOT.symbol: D("2556.68")}, h.clock.now())
    assert_stopped_settled_and_released(h, rel, StopReason.MAX_LOSS.value)
    with h.platform.uow() as uow:
        eth = [o for o in uow.orders.for_book(rel) if o.symbol == SPOT.symbol and o.reduce_only]
    assert [o.avg_fill_price for o in eth] == [D("2556.68")]


def test_a_provider_who_follows_cannot_trade_the_cash_it_allocated(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    star = h.provider("star", "10000")
    me = h.provider("me", "10000")
    h.follow(FollowerId("me"), star, "10000")
    assert h.platform.venue.balances("me").get(USDT.code, ZERO) == ZERO
    with h.platform.uow() as uow:
        assert uow.ledger.balance(LedgerAccount.follower_free("me")) == ZERO
    h.trade(me, "buy", "0.5", leverage="5")  # margin 5,000: nothing left to back it
    with h.platform.uow() as uow:
        (order,) = uow.orders.for_book("me")
        assert order.status == "rejected"
        fees = uow.ledger.balance(LedgerAccount.trading_fees("paper", USDT))
    assert fees == ZERO  # no fill anywhere: nothing booked to the market


def test_a_provider_allocates_at_most_its_free_cash_at_the_venue(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    star = h.provider("star", "10000")
    me = h.provider("me", "10000")
    h.trade(me, "buy", "0.1")  # 5,000 margin at 1×, 2.5 fee: 4,997.5 cash left
    h.tick(PERP.symbol, "45000")  # 500 unrealized loss: 4,497.5 free at the venue
    with h.platform.uow() as uow:
        ledger_before = uow.ledger.balance(LedgerAccount.follower_free("me"))
    assert ledger_before == D("4997.5")
    with pytest.raises(CopyActionError, match=r"at most 4497\.5"):
        h.follow(FollowerId("me"), star, "4997.5")
    with h.platform.uow() as uow:
        assert uow.relationships.for_follower("me") == []
        assert uow.ledger.balance(LedgerAccount.follower_free("me")) == ledger_before


def test_a_copys_fees_that_reach_the_max_loss_stop_the_relationship(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", mode=SizingMode.MULTIPLIER,
                   multiplier=D(4), max_loss_pct=D(20))  # fmt: skip
    h.trade(pro, "buy", "0.04", leverage="5")  # 0.016 BTC copied (margin 160), fee 0.4
    # 0.016 × 12,468.8 = 199.5008 lost: equity 800.0992, a drawdown of 19.99 %.
    h.tick(PERP.symbol, "37531.2")
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.mirrors_closes
    # The provider adds 0.02: the copy (about 250 notional) pays about 0.13 in fees,
    # which takes the drawdown past 20 %.
    h.trade(pro, "buy", "0.02", leverage="5")
    assert_stopped_settled_and_released(h, rel, StopReason.MAX_LOSS.value)


def test_a_settlement_debit_that_reaches_the_max_loss_stops_the_relationship(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000", share_pct="30")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", max_loss_pct=D(10))
    # A high-watermark of 600 under a net allocation of 1,000 (what losses followed by
    # withdrawals can leave), set through the repository the settlement itself uses.
    with h.platform.uow() as uow:
        (state,) = uow.relationships.hwm_states([rel])
        uow.relationships.set_hwm_many([replace(state, hwm=D(600))], h.clock.now())
        uow.commit()
    # Equity 1,000: gross (1,000 − 600) × 30 % = 120, leaving 880: a drawdown of 12 % ≥ 10 %.
    (record,) = h.platform.settlements.settle_all("2026-W02")
    assert record.settlement.gross == D(120)
    h.engine.pump()
    assert_stopped_settled_and_released(h, rel, StopReason.MAX_LOSS.value)
