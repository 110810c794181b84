"""What a linked account holds and has traded: balances, positions, its own trades.

docs/venues.md, "Live exchanges (ccxt)" and "Watching a provider's account".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.venues.ccxt.connection import CcxtConnection
from copytrade.adapters.venues.ccxt.markets import contract_size, number
from copytrade.adapters.venues.ccxt.orders import trade_fill
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.adapters.venues.port import VenuePosition
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Fill
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """An order resting on the exchange: its client order id as the exchange holds it
    (None for one placed without), market and quantity not yet filled."""

    exchange_client_order_id: str | None
    symbol: str
    remaining: Decimal


class AccountReads(CcxtConnection):
    """Reads of a linked account (no order is placed here)."""

    def balances(self, account: str) -> Mapping[str, Decimal]:
        """Free spot balances, by currency (those above zero)."""
        client, lock = self._client(account)
        with lock:
            balance = self._call(lambda: client.fetch_balance())
        free = balance.get("free") or {}
        return {
            currency: amount
            for currency, value in free.items()
            if value is not None and (amount := number(value, f"{currency} balance")) > 0
        }

    def futures_wallet(self, account: str) -> Mapping[str, Decimal]:
        """The USDⓈ-M futures wallet's balance, by currency (those above zero): where a
        perpetual book's cash and margin are (docs/venues.md, "Reconciling live
        accounts"). Binance's ``walletBalance`` (deposits, realized PnL, fees: no
        unrealized PnL, as the books' cash plus margin), else ccxt's total."""
        client, lock = self._client(account)
        with lock:
            balance = self._call(lambda: client.fetch_balance({"type": "swap"}))
        info = balance.get("info")
        rows = info.get("assets") if isinstance(info, Mapping) else None
        wallet: dict[str, Decimal] = {}
        for row in rows if isinstance(rows, list) else ():
            if isinstance(row, Mapping) and row.get("walletBalance") is not None:
                wallet[str(row.get("asset"))] = number(row["walletBalance"], "wallet balance")
        if not wallet:
            total = balance.get("total") or {}
            wallet = {c: number(v, f"{c} balance") for c, v in total.items() if v is not None}
        return {currency: amount for currency, amount in wallet.items() if amount > 0}

    def positions(self, account: str) -> list[VenuePosition]:
        """Open perpetual positions (spot holdings are in ``balances``)."""
        perps = [s for s, i in self._instruments_loaded().items() if not i.is_spot]
        if not perps:
            return []
        client, lock = self._client(account)
        with lock:
            rows = self._call(lambda: client.fetch_positions(perps))
        positions = []
        for row in rows:
            symbol = row.get("symbol")
            if symbol not in self._instruments:
                continue
            contracts = number(row.get("contracts") or 0, "contracts")
            if contracts == 0:
                continue
            qty = contracts * contract_size(self._markets_of(symbol))
            positions.append(
                VenuePosition(
                    account=account,
                    symbol=symbol,
                    qty=-qty if row.get("side") == "short" else qty,
                    avg_entry_price=number(row.get("entryPrice") or 0, "entry price"),
                    leverage=number(row.get("leverage") or 1, "leverage"),
                    margin=number(row.get("initialMargin") or 0, "margin"),
                    realized_pnl=ZERO,
                    fees_paid=ZERO,
                )
            )
        return positions


    def open_orders(self, account: str) -> list[OpenOrder]:
        """Every order open on the account, in the markets the venue trades: one call per
        kind of market (spot, perpetuals), without a symbol (docs/venues.md,
        "Reconciling live accounts")."""
        kinds = {"spot" if i.is_spot else "swap" for i in self._instruments_loaded().values()}
        client, lock = self._client(account)
        rows: list[Any] = []

        def of_kind(kind: str) -> Callable[[], Any]:
            return lambda: client.fetch_open_orders(None, None, None, {"type": kind})

        with lock:
            for kind in sorted(kinds):
                rows += self._call(of_kind(kind))
        found = []
        for row in rows:
            symbol = row.get("symbol")
            if symbol not in self._instruments:
                continue
            remaining = number(row.get("remaining") or 0, "remaining") * contract_size(
                self._markets_of(symbol)
            )
            found.append(OpenOrder(row.get("clientOrderId"), symbol, remaining))
        return found

    def check(self, account: str) -> Mapping[str, Decimal]:
        """Reach the exchange with the account's keys: its balances, or the venue error."""
        return self.balances(account)

    def can_withdraw(self, account: str) -> bool | None:
        """Whether the account's key may withdraw, where the exchange reports it; None
        when it does not say (no such call, or the call is not served, as on testnets).
        Authentication errors are raised: the key itself is wrong."""
        probe = self._quirks.withdrawal_permission
        if probe is None:
            return None
        client, lock = self._client(account)
        with lock:
            try:
                answer: bool | None = self._call(lambda: probe(client))
            except PermanentVenueError as error:
                if error.reason in ("not_supported", "exchange_error"):
                    return None
                raise
        return answer


    # --- an account's own trades (the provider watcher) --------------------------

    def trades_after(
        self, account: str, symbol: str, position: str | None, since: datetime, limit: int
    ) -> tuple[list[Fill], str | None]:
        """The account's trades in ``symbol`` after ``position`` (None: from ``since``),
        oldest first, at most ``limit``, and the position to pass next time.

        The position is the exchange's paging key (docs/venues.md, "Watching a
        provider's account"): the last trade id where trades page by id (Binance's
        fromId), else the last trade's time in ms, where the trades at that very
        millisecond come again and are told apart by their fill id.
        """
        instrument = self._instrument(symbol)
        if instrument is None:
            raise PermanentVenueError(
                f"{self._quirks.exchange} lists no market {symbol!r}", "unknown_symbol"
            )
        by_id = self._quirks.trade_paging == "from_id"
        since_ms: int | None = int(since.timestamp() * 1000)
        params: dict[str, Any] = {}
        if position is not None and by_id:
            params["fromId"], since_ms = int(position) + 1, None
        elif position is not None:
            since_ms = int(position)
        client, lock = self._client(account)
        with lock:
            trades = self._call(lambda: client.fetch_my_trades(symbol, since_ms, limit, params))
        if not trades:
            return [], position
        return self._fills_after(account, instrument, trades)

    def _fills_after(
        self, account: str, instrument: Instrument, trades: Sequence[Mapping[str, Any]]
    ) -> tuple[list[Fill], str]:
        """Trades of one market as fills, oldest first, and the paging position just
        after the last of them."""
        trades = sorted(trades, key=lambda t: (t.get("timestamp") or 0, _trade_key(t)))
        size = contract_size(self._markets_of(instrument.symbol))
        now = self._clock()
        fills = [
            trade_fill(self._quirks.exchange, account, instrument, size, t, now) for t in trades
        ]
        by_id = self._quirks.trade_paging == "from_id"
        last = max(trades, key=_trade_key) if by_id else trades[-1]
        return fills, str(last["id"] if by_id else last["timestamp"])


    def pushed_fills(
        self, account: str, trades: Sequence[Mapping[str, Any]]
    ) -> dict[str, tuple[list[Fill], str]]:
        """Trades a websocket pushed (ccxt's unified trades), by watched market: their
        fills, oldest first, and the paging position just after the last of them, as
        ``trades_after`` gives it. Markets the venue does not trade are left out."""
        found: dict[str, tuple[list[Fill], str]] = {}
        for symbol in sorted({str(t.get("symbol")) for t in trades}):
            instrument = self._instrument(symbol)
            if instrument is not None:
                mine = [t for t in trades if t.get("symbol") == symbol]
                found[symbol] = self._fills_after(account, instrument, mine)
        return found


def _trade_key(trade: Mapping[str, Any]) -> tuple[int, str]:
    """Trade ids in numeric order where they are numbers (Binance), else as text."""
    text = str(trade.get("id"))
    return (int(text), "") if text.isdigit() else (0, text)

