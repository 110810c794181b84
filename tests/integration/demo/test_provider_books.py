"""The demo bots' view of their providers' books: read once per moment, again after trading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.bootstrap import build_platform
from copytrade.demo.instruments import BTC_PERP, DEMO_INSTRUMENTS, ETH_PERP
from copytrade.demo.provider_books import ProviderBooks
from copytrade.demo.runner import moments
from copytrade.domain.ids import AccountId, ClientOrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.marketdata.clock import SimulatedClock
from copytrade.marketdata.ticks import PriceTick

START = datetime(2026, 1, 5, tzinfo=UTC)


def test_a_book_is_read_again_only_after_its_provider_traded(db_engine: Engine) -> None:
    clock = SimulatedClock(START)
    platform = build_platform(db_engine, DEMO_INSTRUMENTS, clock)
    platform.engine.on_prices({BTC_PERP: Decimal(50000), ETH_PERP: Decimal(3000)}, START)
    for name in ("p-a", "p-b"):
        platform.accounts.register(AccountId(name), name)
        platform.accounts.make_provider(ProviderTerms(name, Decimal(10)))
        platform.accounts.deposit(AccountId(name), Decimal(10000), key=f"dep:{name}")
    books = ProviderBooks(platform.uow, platform.engine.prices.snapshot)
    books.refresh(["p-a", "p-b"])
    assert books.position_and_equity("p-a", BTC_PERP) == (Decimal(0), Decimal(10000))

    platform.provider_orders.place(
        ProviderId("p-a"), ClientOrderId("a-1"), BTC_PERP, Side.BUY, Decimal("0.01")
    )
    platform.engine.pump()
    # Until told, the book read at the moment's start stands.
    assert books.position_and_equity("p-a", BTC_PERP) == (Decimal(0), Decimal(10000))
    books.traded("p-a")
    qty, equity = books.position_and_equity("p-a", BTC_PERP)
    assert qty == Decimal("0.01")
    assert equity < Decimal(10000)  # the taker fee, at an unchanged price
    assert books.position_and_equity("p-a", ETH_PERP)[0] == Decimal(0)
    assert books.position_and_equity("p-b", BTC_PERP) == (Decimal(0), Decimal(10000))


def test_a_feeds_ticks_are_grouped_by_moment_in_feed_order() -> None:
    later = START + timedelta(hours=1)
    ticks = [
        PriceTick(BTC_PERP, START, Decimal(1)),
        PriceTick(ETH_PERP, START, Decimal(2)),
        PriceTick(BTC_PERP, later, Decimal(3)),
    ]
    grouped = list(moments(ticks))
    assert [[t.price for t in moment] for moment in grouped] == [
        [Decimal(1), Decimal(2)],
        [Decimal(3)],
    ]
