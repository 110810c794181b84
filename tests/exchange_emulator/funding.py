"""Binance USDⓈ-M funding as ``GET /fapi/v1/premiumIndex`` shows it: each perp's mark
price, its funding rate (``lastFundingRate``: the rate of the coming funding time) and
``nextFundingTime`` (docs/venues.md "Live market data"). A test sets the rate and time;
by default a perp has 0.0001 at the next 00:00, 08:00 or 16:00 UTC."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.exchange_emulator.state import ExchangeState, now_ms, text

DEFAULT_RATE = Decimal("0.0001")
_INTERVAL_MS = 8 * 3600 * 1000


def set_funding(state: ExchangeState, symbol_id: str, rate: Decimal, next_ms: int) -> None:
    """The perp's funding rate for the funding time ``next_ms`` (epoch ms)."""
    with state.lock:
        state.funding[symbol_id] = (rate, next_ms)


def premium_index(state: ExchangeState, symbol_id: str | None) -> Any:
    """One perp's premium index (``symbol`` given), else every priced perp's."""
    with state.lock:
        wanted = [symbol_id] if symbol_id else sorted(
            sym for (futures, sym) in state.prices if futures
        )
        rows = [_row(state, sym) for sym in wanted]
    return rows[0] if symbol_id else rows


def _row(state: ExchangeState, symbol_id: str) -> dict[str, Any]:
    now = now_ms()
    rate, next_ms = state.funding.get(
        symbol_id, (DEFAULT_RATE, (now // _INTERVAL_MS + 1) * _INTERVAL_MS)
    )
    mark = text(state.prices.get((True, symbol_id), Decimal(0)))
    return {
        "symbol": symbol_id, "markPrice": mark, "indexPrice": mark,
        "estimatedSettlePrice": mark, "lastFundingRate": text(rate),
        "interestRate": "0.00010000", "nextFundingTime": next_ms, "time": now,
    }
