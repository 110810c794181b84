"""Live tickers through the real ccxt client against the emulator: the latest prices of
spot and perpetual markets, only moves passed on, and applied as marks that the max-loss
sweep acts on (docs/marketdata.md, "Live tickers")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import LedgerEntryRow, LedgerTransferRow
from copytrade.adapters.venues.ccxt.tickers import CcxtTickers
from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.config import Settings
from copytrade.domain.copying.relationship import RelationshipStatus, StopReason
from copytrade.marketdata.funding import next_funding_time
from copytrade.marketdata.live import LiveFunding, LiveTickerFeed
from copytrade.server.tickers import LiveTickers
from tests.exchange_emulator import Emulator, Fault, MarketSpec
from tests.exchange_emulator.funding import set_funding
from tests.integration.api.conftest import Api, started_api
from tests.integration.engine.harness import PERP, SPOT, Harness

D = Decimal


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(
        [
            MarketSpec("ETH", "USDT", step=D("0.0001"), min_qty=D("0.0001")),
            MarketSpec("BTC", "USDT", futures=True),
        ]
    )
    with emu.running():
        emu.state.set_price("ETHUSDT", D("3000"))
        emu.state.set_price("BTCUSDT", D("50000"), futures=True)
        yield emu


def _tickers(emu: Emulator) -> CcxtTickers:
    return CcxtTickers("binance", [SPOT.symbol, PERP.symbol], api_base=emu.base_url, timeout_ms=700)


def test_spot_and_perp_tickers_and_only_moves_passed_on(emulator: Emulator) -> None:
    feed = LiveTickerFeed(_tickers(emulator))
    first = feed.poll()
    assert {t.symbol: t.price for t in first} == {SPOT.symbol: D(3000), PERP.symbol: D(50000)}
    # One call per market type, public: no key header needed.
    assert ("GET", "/api/v3/ticker/24hr") in emulator.requests
    assert ("GET", "/fapi/v1/ticker/24hr") in emulator.requests
    assert feed.poll() == []  # nothing moved
    emulator.state.set_price("ETHUSDT", D("3012.5"))
    [moved] = feed.poll()
    assert (moved.symbol, moved.price) == (SPOT.symbol, D("3012.5"))
    assert feed.prices == {SPOT.symbol: D("3012.5"), PERP.symbol: D(50000)}


def test_an_outage_is_temporary_and_an_unlisted_market_permanent(emulator: Emulator) -> None:
    emulator.faults.arm(Fault.SERVER_ERROR, path="ticker/24hr", times=1)
    tickers = _tickers(emulator)
    with pytest.raises(TemporaryVenueError):
        tickers.latest()
    assert len(tickers.latest()) == 2  # the next poll reads again
    unlisted = CcxtTickers("binance", ["SOL/USDT"], api_base=emulator.base_url)
    with pytest.raises(PermanentVenueError, match="SOL/USDT"):
        unlisted.latest()


@pytest.fixture
def api(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    yield from started_api(db_engine, db_settings)


def test_live_marks_feed_the_max_loss_sweep(api: Api, emulator: Emulator) -> None:
    h = api.harness
    pro = h.provider("pro", "100000")
    rel = h.follow(h.follower("alice", "5000"), pro, "1000", max_loss_pct=D(10))
    h.trade(pro, "buy", "1", symbol=PERP.symbol, leverage="5")  # the copy holds the perp
    job = LiveTickers(api.runtime, LiveTickerFeed(_tickers(emulator)))
    assert job() == 2
    assert api.runtime.platform.engine.prices.snapshot()[PERP.symbol] == D(50000)
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.status is RelationshipStatus.ACTIVE
    emulator.state.set_price("BTCUSDT", D("35000"), futures=True)  # -30 % at 5x
    assert job() == 1
    prices = api.client.get("/api/v1/prices").json()
    assert prices[PERP.symbol] == "35000"
    with h.platform.uow() as uow:
        stopped = uow.relationships.get(rel)
    assert stopped.state.status is RelationshipStatus.STOPPED
    assert stopped.state.stop_reason is StopReason.MAX_LOSS


def _funding_entries(h: Harness) -> list[tuple[str, Decimal]]:
    with h.platform.uow() as uow:
        rows = uow.session.execute(
            select(LedgerEntryRow.account, LedgerEntryRow.amount)
            .join(LedgerTransferRow, LedgerEntryRow.transfer_id == LedgerTransferRow.id)
            .where(LedgerTransferRow.kind == "funding")
            .order_by(LedgerEntryRow.id)
        ).all()
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
    return [(account, D(amount)) for account, amount in rows if not account.startswith("market")]


def test_live_funding_is_paid_on_paper_books_at_the_funding_time(
    api: Api, emulator: Emulator
) -> None:
    h = api.harness
    pro = h.provider("pro", "100000")
    h.follow(h.follower("alice", "5000"), pro, "1000")
    h.trade(pro, "buy", "1", symbol=PERP.symbol, leverage="5")  # alice copies 0.01
    at = next_funding_time(h.clock.now())
    set_funding(emulator.state, "BTCUSDT", D("0.0001"), int(at.timestamp() * 1000))
    tickers = _tickers(emulator)
    job = LiveTickers(api.runtime, LiveTickerFeed(tickers), LiveFunding(tickers))
    job()  # reads the coming funding; its time has not come
    assert ("GET", "/fapi/v1/premiumIndex") in emulator.requests
    assert _funding_entries(h) == []
    h.clock.set(at)
    job()
    # −0.0001 × qty × mark 50,000: pro −5, alice's copy −0.05 (docs/domain.md "Funding").
    paid = _funding_entries(h)
    assert sorted(amount for _, amount in paid) == [D("-5"), D("-0.05")]
    h.clock.advance(timedelta(minutes=5))
    job()  # the same funding time is paid once
    assert len(_funding_entries(h)) == 2
