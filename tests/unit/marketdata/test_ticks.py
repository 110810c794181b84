from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from copytrade.domain.errors import DomainError, InvalidValueError
from copytrade.domain.values import Price, Quantity
from copytrade.marketdata import Bar, InvalidMarketDataError, MarketDataError, PriceTick

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_tick_converts_price_and_time() -> None:
    tick = PriceTick("BTC/USDT", datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "5")  # type: ignore[arg-type]
    assert tick.price == Decimal(5)
    assert isinstance(tick.price, Price)
    assert tick.ts == T0


@pytest.mark.parametrize(
    ("price", "message"),
    [("0", "must be positive, got 0"), ("-1", "must be positive"), (1.5, "not float")],
)
def test_tick_refuses_bad_prices(price: object, message: str) -> None:
    with pytest.raises(InvalidMarketDataError, match=message):
        PriceTick("BTC/USDT", T0, price)  # type: ignore[arg-type]


@pytest.mark.parametrize("symbol", ["", " BTC", None])
def test_tick_refuses_bad_symbols(symbol: object) -> None:
    with pytest.raises(InvalidMarketDataError, match="symbol must be"):
        PriceTick(symbol, T0, Price(1))  # type: ignore[arg-type]


def test_errors_are_domain_errors() -> None:
    with pytest.raises(InvalidMarketDataError) as caught:
        PriceTick("BTC/USDT", datetime(2024, 1, 1), Price(1))
    assert isinstance(caught.value, MarketDataError)
    assert isinstance(caught.value, InvalidValueError)
    assert isinstance(caught.value, DomainError)


def bar(o: str, h: str, low: str, c: str, v: str = "1") -> Bar:
    return Bar("BTC/USDT", T0, o, h, low, c, v)  # type: ignore[arg-type]


def test_bar_converts_values() -> None:
    made = bar("10", "12", "9", "11", "3.5")
    assert (made.open, made.high, made.low, made.close) == (10, 12, 9, 11)
    assert isinstance(made.high, Price)
    assert isinstance(made.volume, Quantity)
    assert made.volume == Decimal("3.5")


def test_a_flat_bar_is_valid() -> None:
    assert bar("10", "10", "10", "10", "0").volume == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("10", "9", "11", "10"), "high 9 is below low 11"),
        (("13", "12", "9", "11"), "open 13 is outside the bar's range low 9 .. high 12"),
        (("10", "12", "9", "8"), "close 8 is outside"),
        (("0", "12", "9", "11"), "open price must be positive, got 0"),
        (("10", "12", "-9", "11"), "low price must be positive"),
    ],
)
def test_bar_refuses_inconsistent_prices(values: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidMarketDataError, match=message):
        bar(*values)


def test_bar_refuses_negative_volume() -> None:
    with pytest.raises(InvalidMarketDataError, match="volume must not be negative, got -1"):
        bar("10", "12", "9", "11", "-1")
