"""The ccxt adapter's pure parts: the quirk table, the error mapping, market mapping."""

from __future__ import annotations

import re
from decimal import Decimal

import ccxt
import pytest

from copytrade.adapters.venues.ccxt import QUIRKS, quirks_for
from copytrade.adapters.venues.ccxt.errors import Refusal, translate
from copytrade.adapters.venues.ccxt.markets import instrument_from_market, is_copyable
from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.port import RejectReason
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId, FillId, RelationshipId
from copytrade.domain.instruments import InstrumentKind

COPY_ID = ClientOrderId.for_copy(FillId("f-1"), RelationshipId("r-1"))  # "cp-" + 32 hex


def test_binance_and_bybit_take_our_35_character_ids_as_they_are() -> None:
    assert len(COPY_ID) == 35
    assert quirks_for("binance").client_order_id(COPY_ID) == COPY_ID
    assert quirks_for("bybit").client_order_id(COPY_ID) == COPY_ID


def test_okx_gets_32_alphanumerics_the_same_every_time_and_distinct_per_id() -> None:
    okx = quirks_for("okx")
    short = okx.client_order_id(COPY_ID)
    assert re.fullmatch(r"[A-Za-z0-9]{1,32}", short)
    assert okx.client_order_id(COPY_ID) == short  # deterministic
    other = ClientOrderId.for_copy(FillId("f-2"), RelationshipId("r-1"))
    assert okx.client_order_id(other) != short
    assert okx.client_order_id(ClientOrderId("manual-7")) == "manual7"  # short: only cleaned


@pytest.mark.parametrize("exchange", sorted(QUIRKS))
def test_every_id_the_table_makes_fits_its_exchange(exchange: str) -> None:
    quirks = QUIRKS[exchange]
    for raw in ("x" * 128, "a.b:c/d_e-f", "ü" * 10, COPY_ID):
        made = quirks.client_order_id(ClientOrderId(raw))
        assert 0 < len(made) <= quirks.max_client_id_length
        assert not quirks.client_id_disallowed.search(made)


def test_an_unknown_exchange_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InvalidValueError, match="binance, bybit, okx"):
        quirks_for("mtgox")


@pytest.mark.parametrize(
    "error",
    [ccxt.NetworkError("x"), ccxt.RateLimitExceeded("x"), ccxt.ExchangeNotAvailable("x"),
     ccxt.RequestTimeout("x"), ccxt.DDoSProtection("x"), ccxt.BadResponse("x")],
)
def test_network_trouble_is_temporary(error: ccxt.BaseError) -> None:
    assert isinstance(translate(error), TemporaryVenueError)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ccxt.InsufficientFunds("binance -2010"), RejectReason.INSUFFICIENT_BALANCE),
        (ccxt.InvalidOrder("binance Filter failure: LOT_SIZE"), RejectReason.INVALID_QUANTITY),
        (ccxt.InvalidOrder("binance PRICE_FILTER"), RejectReason.INVALID_PRICE),
        (ccxt.InvalidOrder("binance Filter failure: NOTIONAL"), RejectReason.BELOW_MINIMUM),
        (ccxt.InvalidOrder("whatever else"), RejectReason.EXCHANGE_REFUSED),
        (ccxt.BadSymbol("binance Invalid symbol."), RejectReason.UNKNOWN_SYMBOL),
    ],
)
def test_refused_orders_become_rejections_with_a_reason(
    error: ccxt.BaseError, reason: RejectReason
) -> None:
    outcome = translate(error)
    assert isinstance(outcome, Refusal) and outcome.reject_reason is reason


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ccxt.AuthenticationError("x"), "authentication_failed"),
        (ccxt.PermissionDenied("x"), "permission_denied"),
        (ccxt.AccountSuspended("x"), "account_suspended"),
        (ccxt.ExchangeError("x"), "exchange_error"),
    ],
)
def test_account_errors_are_permanent_with_a_reason_code(error: ccxt.BaseError, code: str) -> None:
    outcome = translate(error)
    assert isinstance(outcome, PermanentVenueError) and outcome.reason == code


def test_messages_lose_query_strings_and_credentials() -> None:
    error = ccxt.RequestTimeout(
        "binance POST http://h/api/v3/order?timestamp=1&signature=abc request timed out KEY1"
    )
    text = str(translate(error, redact=("KEY1",)))
    assert "signature" not in text and "KEY1" not in text and "timed out" in text


def _market(**extra: object) -> dict[str, object]:
    market: dict[str, object] = {
        "symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "spot": False, "swap": True,
        "linear": True, "active": True, "contractSize": 0.01, "maker": 0.0002, "taker": 0.0005,
        "precision": {"amount": 1.0, "price": 0.1, "quote": 1e-08},
        "limits": {"amount": {"min": 1.0, "max": 10000.0}, "cost": {"min": None}},
    }
    return market | extra


def test_a_contract_market_is_scaled_to_base_units() -> None:
    instrument = instrument_from_market(_market(), Decimal(100), Decimal(20))
    assert instrument.kind is InstrumentKind.PERP
    assert instrument.lot_step == Decimal("0.01") and instrument.min_qty == Decimal("0.01")
    assert instrument.max_qty == Decimal(100)  # 10,000 contracts of 0.01 BTC
    assert (instrument.tick, instrument.taker_fee) == (Decimal("0.1"), Decimal("0.0005"))
    assert instrument.max_leverage == 100 and instrument.min_notional == 0
    assert instrument.quote.precision == 8


def test_max_leverage_falls_back_to_the_table_and_spot_is_always_one() -> None:
    assert instrument_from_market(_market(), None, Decimal(20)).max_leverage == 20
    spot = _market(symbol="BTC/USDT", spot=True, swap=False, linear=None, contractSize=None)
    assert instrument_from_market(spot, Decimal(100), Decimal(20)).max_leverage == 1


def test_only_spot_and_linear_perpetuals_are_copyable() -> None:
    assert is_copyable(_market())
    assert not is_copyable(_market(linear=False, inverse=True))
    assert not is_copyable(_market(swap=False, future=True))
    assert not is_copyable(_market(active=False))
