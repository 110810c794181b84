"""ccxt markets as our ``Instrument``s, and amounts between the two.

Our symbols are ccxt's unified ones (``BTC/USDT`` spot, ``BTC/USDT:USDT`` USDT-margined
perpetual); only spot and linear perpetual markets are kept. Our quantities are in the
base asset; ccxt's are in contracts for derivatives, so the lot step, the minimum and
maximum quantity are scaled by the contract size (1 on Binance USDⓈ-M, 0.01 BTC on
OKX's BTC swap) and every amount sent or read is converted.

ccxt hands numbers as floats. Each is read through ``repr`` (the shortest text that
round-trips), which gives back exactly the exchange's decimal string for the values
exchanges send (at most 15 significant digits); amounts we send are first put on the
market's step, so the float ccxt formats back is exact too.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument, InstrumentKind
from copytrade.domain.values import Currency

# What an exchange leaves unset (no maximum quantity) is bounded by the domain's limit.
_NO_MAX = Decimal("1e15")


def number(value: object, what: str) -> Decimal:
    """A ccxt number (float, int or str) as the Decimal it stands for."""
    if isinstance(value, bool) or value is None:
        raise InvalidValueError(f"{what}: the exchange sent no number ({value!r})")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def optional_number(value: object, what: str) -> Decimal | None:
    return None if value is None else number(value, what)


def is_copyable(market: Mapping[str, Any]) -> bool:
    """Spot, or a linear perpetual swap, and listed as active."""
    if market.get("active") is False:
        return False
    return bool(market.get("spot")) or bool(market.get("swap") and market.get("linear"))


def contract_size(market: Mapping[str, Any]) -> Decimal:
    if market.get("spot"):
        return Decimal(1)
    return optional_number(market.get("contractSize"), "contract size") or Decimal(1)


def _decimals(step: Decimal | None) -> int:
    if step is None or step <= 0:
        return 8
    return max(0, min(18, -step.normalize().as_tuple().exponent))  # type: ignore[operator]


def instrument_from_market(
    market: Mapping[str, Any], max_leverage: Decimal | None, default_max_leverage: Decimal
) -> Instrument:
    """One ccxt market as our Instrument; InvalidValueError when a rule is missing."""
    symbol = str(market["symbol"])
    size = contract_size(market)
    precision = market.get("precision") or {}
    limits = market.get("limits") or {}
    amount = limits.get("amount") or {}
    cost = limits.get("cost") or {}
    spot = bool(market.get("spot"))
    leverage = Decimal(1) if spot else min(
        Decimal(200), max(Decimal(1), max_leverage or default_max_leverage)
    )
    lot_step = number(precision.get("amount"), f"{symbol} amount precision") * size
    quote_step = optional_number(precision.get("quote"), f"{symbol} quote precision")
    return Instrument(
        symbol=symbol,
        kind=InstrumentKind.SPOT if spot else InstrumentKind.PERP,
        base=str(market["base"]),
        quote=Currency(str(market["quote"]), _decimals(quote_step)),
        tick=number(precision.get("price"), f"{symbol} price precision"),
        lot_step=lot_step,
        min_qty=(optional_number(amount.get("min"), f"{symbol} min amount") or Decimal(0)) * size,
        min_notional=optional_number(cost.get("min"), f"{symbol} min cost") or Decimal(0),
        max_qty=(optional_number(amount.get("max"), f"{symbol} max amount") or _NO_MAX / size)
        * size,
        maker_fee=optional_number(market.get("maker"), f"{symbol} maker fee") or Decimal(0),
        taker_fee=optional_number(market.get("taker"), f"{symbol} taker fee") or Decimal(0),
        max_leverage=leverage,
    )


def instruments_from_markets(
    markets: Mapping[str, Mapping[str, Any]],
    max_leverage: Mapping[str, Decimal],
    default_max_leverage: Decimal,
) -> dict[str, Instrument]:
    """Every copyable market as an Instrument, by symbol."""
    return {
        symbol: instrument_from_market(m, max_leverage.get(symbol), default_max_leverage)
        for symbol, m in markets.items()
        if is_copyable(m)
    }
