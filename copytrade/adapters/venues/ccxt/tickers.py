"""An exchange's tickers through ccxt: the latest trade price of each watched market,
for live marks (``copytrade.marketdata.live.TickerSource``; docs/marketdata.md "Live
tickers"). Public data: no key is needed or sent.

ccxt's ``fetch_tickers`` takes markets of one type per call on Binance (spot, or
USDⓈ-M perpetuals), so each poll makes one call per type among the watched symbols.
Its errors are the venue port's (``errors.translate``): an outage is a
``TemporaryVenueError``, the next poll tries again.

The perps' coming funding (``next_funding``, a ``marketdata.live.FundingSource``) is
ccxt's ``fetch_funding_rates`` (Binance USDⓈ-M ``/fapi/v1/premiumIndex``): each perp's
rate so far and its next funding time (docs/marketdata.md "Live funding").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import ccxt

from copytrade.adapters.venues.ccxt.errors import Refusal, translate
from copytrade.adapters.venues.ccxt.quirks import quirks_for
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.domain.values import Price
from copytrade.marketdata.live import NextFunding
from copytrade.marketdata.ticks import PriceTick


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CcxtTickers:
    def __init__(
        self,
        exchange: str,
        symbols: Sequence[str],
        *,
        sandbox: bool = False,
        api_base: str | None = None,
        timeout_ms: int = 10_000,
        clock: Callable[[], datetime] = _utc_now,
        only_listed: bool = False,
    ) -> None:
        """``only_listed``: watch those of ``symbols`` the exchange lists, instead of
        refusing the others."""
        quirks = quirks_for(exchange)
        client = getattr(ccxt, exchange)(
            {"enableRateLimit": True, "timeout": timeout_ms, "options": dict(quirks.options)}
        )
        if sandbox:
            client.set_sandbox_mode(True)
        if api_base:
            client.urls["api"] = {**client.urls.get("api", {}), **quirks.api_urls(api_base)}
        self._client: Any = client
        self._exchange = exchange
        self._symbols = tuple(dict.fromkeys(symbols))
        self._clock = clock
        self._groups: list[list[str]] | None = None
        self._only_listed = only_listed

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._symbols

    def _by_type(self) -> list[list[str]]:
        """The watched symbols grouped by market type (loads the markets once)."""
        if self._groups is None:
            markets = self._call(self._client.load_markets)
            missing = [s for s in self._symbols if s not in markets]
            if self._only_listed:
                self._symbols = tuple(s for s in self._symbols if s in markets)
            elif missing:
                raise PermanentVenueError(
                    f"{self._exchange} lists no market {', '.join(missing)}", "unknown_symbol"
                )
            groups: dict[str, list[str]] = {}
            for symbol in self._symbols:
                groups.setdefault(str(markets[symbol].get("type")), []).append(symbol)
            self._groups = list(groups.values())
        return self._groups

    def latest(self) -> list[PriceTick]:
        """Each watched market's last trade price (else its close), stamped now; a market
        the exchange sent no price for is left out of this poll."""
        ticks: list[PriceTick] = []
        for group in self._by_type():
            answer = self._fetch(group)
            now = self._clock()
            for symbol in group:
                price = _price(answer.get(symbol) or {})
                if price is not None:
                    ticks.append(PriceTick(symbol, now, Price(price)))
        return ticks

    def next_funding(self) -> list[NextFunding]:
        """Each watched perp's coming funding time and rate; a perp the exchange sent
        none for is left out of this read."""
        perps = [s for group in self._by_type() for s in group if self._is_perp(s)]
        if not perps:
            return []
        answer: dict[str, Any] = self._call(lambda: self._client.fetch_funding_rates(perps))
        coming = []
        for symbol in perps:
            found = _funding(answer.get(symbol) or {})
            if found is not None:
                coming.append(NextFunding(symbol, *found))
        return coming

    def _is_perp(self, symbol: str) -> bool:
        return bool(self._client.markets.get(symbol, {}).get("swap"))

    def _fetch(self, group: list[str]) -> dict[str, Any]:
        answer: dict[str, Any] = self._call(lambda: self._client.fetch_tickers(group))
        return answer

    def _call(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ccxt.BaseError as error:
            outcome = translate(error)
            if isinstance(outcome, Refusal):
                raise PermanentVenueError(outcome.message, outcome.reject_reason.value) from None
            raise outcome from None


def _price(ticker: dict[str, Any]) -> Decimal | None:
    """The ticker's last price: the exchange's own text where it sends one (Binance and
    Bybit ``lastPrice``, OKX ``last``: exact), else ccxt's parsed number; if positive."""
    raw_info = ticker.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    candidates = (info.get("lastPrice"), info.get("last"), ticker.get("last"), ticker.get("close"))
    for raw in candidates:
        if raw is None:
            continue
        try:
            price = Decimal(str(raw))
        except InvalidOperation:
            continue
        if price > 0:
            return price
    return None


def _funding(entry: dict[str, Any]) -> tuple[datetime, Decimal] | None:
    """(next funding time, rate) of ccxt's funding-rate structure: the exchange's own
    text for the rate where it sends one (Binance ``lastFundingRate``: exact)."""
    raw_info = entry.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    raw_rate = info.get("lastFundingRate", entry.get("fundingRate"))
    stamp = entry.get("fundingTimestamp")
    if raw_rate is None or not isinstance(stamp, int):
        return None
    try:
        rate = Decimal(str(raw_rate))
    except InvalidOperation:
        return None
    return datetime.fromtimestamp(stamp / 1000, UTC), rate
