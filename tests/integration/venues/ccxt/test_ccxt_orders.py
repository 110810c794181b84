"""The ccxt venue through the real ccxt client against the exchange emulator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.adapters.venues.ccxt import CcxtVenue
from copytrade.adapters.venues.errors import UnknownOrderError
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId, FillId, RelationshipId
from copytrade.domain.instruments import InstrumentKind, Side
from copytrade.domain.orders import OrderStatus, OrderType
from tests.exchange_emulator import Emulator

from .conftest import KEY


def _cid(n: int) -> ClientOrderId:
    return ClientOrderId.for_copy(FillId(f"provider-fill-{n}"), RelationshipId("rel-1"))


def test_markets_load_as_instruments_with_the_exchange_rules(venue: CcxtVenue) -> None:
    instruments = {i.symbol: i for i in venue.instruments()}
    assert set(instruments) == {"BTC/USDT", "ETH/USDT", "BTC/USDT:USDT"}
    spot, perp = instruments["ETH/USDT"], instruments["BTC/USDT:USDT"]
    assert spot.kind is InstrumentKind.SPOT and spot.max_leverage == 1
    assert (spot.tick, spot.lot_step, spot.min_qty) == (
        Decimal("0.01"), Decimal("0.01"), Decimal("0.01")
    )
    assert spot.min_notional == Decimal(5) and spot.quote.code == "USDT"
    assert perp.kind is InstrumentKind.PERP and perp.max_leverage == 50  # leverage tiers
    assert perp.lot_step == Decimal("0.001")


def test_a_market_order_fills_and_is_found_by_its_client_order_id(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    cid = _cid(1)
    placed = venue.place(
        OrderRequest(cid, "alice", "BTC/USDT", Side.BUY, OrderType.MARKET, Decimal("0.01"))
    )
    assert placed.status is OrderStatus.FILLED and placed.filled_qty == Decimal("0.01")
    assert placed.avg_fill_price == Decimal(50_000)
    assert [f.qty for f in placed.fills] == [Decimal("0.01")]
    assert placed.fees == Decimal("0.5")  # 500 USDT × 0.1 %
    (stored,) = emulator.state.orders_of(KEY)
    assert stored.client_order_id == str(cid)  # 35 characters: within Binance's 36
    again = venue_for_restart(emulator).get_order("alice", cid, symbol="BTC/USDT")
    assert again is not None and again.venue_order_id == placed.venue_order_id
    assert again.fills == placed.fills
    assert venue.balances("alice")["BTC"] == Decimal("0.01")


def venue_for_restart(emulator: Emulator) -> CcxtVenue:
    from .conftest import venue_for

    return venue_for(emulator)


def test_placing_the_same_client_order_id_again_places_nothing(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    request = OrderRequest(_cid(2), "alice", "BTC/USDT", Side.BUY, OrderType.MARKET,
                           Decimal("0.01"))
    first = venue.place(request)
    assert venue.place(request) == first
    assert len(emulator.state.orders_of(KEY)) == 1


def test_an_ioc_limit_fills_what_the_book_has_at_the_limit_and_books_the_partial_fill(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    emulator.state.set_price("BTCUSDT", Decimal(50_000), depth=Decimal("0.004"))
    answer = venue.place(
        OrderRequest(_cid(3), "alice", "BTC/USDT", Side.BUY, OrderType.LIMIT, Decimal("0.01"),
                     limit_price=Decimal("50100"))
    )
    assert answer.status is OrderStatus.CANCELLED
    assert answer.filled_qty == Decimal("0.004") and len(answer.fills) == 1
    assert answer.reason is not None and "immediate-or-cancel" in answer.reason
    (stored,) = emulator.state.orders_of(KEY)
    assert stored.time_in_force == "IOC" and stored.status == "EXPIRED"


def test_an_ioc_limit_beyond_the_tolerance_fills_nothing(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    answer = venue.place(
        OrderRequest(_cid(4), "alice", "BTC/USDT", Side.BUY, OrderType.LIMIT, Decimal("0.01"),
                     limit_price=Decimal("49900"))
    )
    assert answer.status is OrderStatus.CANCELLED and answer.filled_qty == 0
    assert answer.fills == ()


def test_a_perp_opens_at_the_capped_leverage_and_closes_reduce_only(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    opened = venue.place(
        OrderRequest(_cid(5), "alice", "BTC/USDT:USDT", Side.SELL, OrderType.LIMIT,
                     Decimal("0.02"), limit_price=Decimal("49950"), leverage=Decimal("80.5"))
    )
    assert opened.status is OrderStatus.FILLED and opened.leverage == 50
    (position,) = venue.positions("alice")
    assert position.qty == Decimal("-0.02") and position.leverage == 50
    assert emulator.state.accounts[KEY].leverage["BTCUSDT"] == 50
    closed = venue.place(
        OrderRequest(_cid(6), "alice", "BTC/USDT:USDT", Side.BUY, OrderType.MARKET,
                     Decimal("0.02"), reduce_only=True)
    )
    assert closed.status is OrderStatus.FILLED and closed.reduce_only
    assert venue.positions("alice") == []
    assert emulator.state.orders_of(KEY)[-1].reduce_only


def test_cancel_answers_an_expired_order_as_is_and_refuses_an_unknown_id(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    emulator.state.set_price("BTCUSDT", Decimal(50_000), depth=Decimal(0))
    cid = _cid(7)
    venue.place(OrderRequest(cid, "alice", "BTC/USDT", Side.BUY, OrderType.LIMIT,
                             Decimal("0.01"), limit_price=Decimal("50000")))
    assert venue.cancel("alice", cid, symbol="BTC/USDT").status is OrderStatus.CANCELLED
    assert ("DELETE", "/api/v3/order") not in emulator.requests  # nothing left to cancel
    with pytest.raises(UnknownOrderError):
        venue.cancel("alice", _cid(8), symbol="BTC/USDT")
