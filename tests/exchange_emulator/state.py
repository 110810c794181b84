"""The emulated exchange's books: markets, accounts, orders, trades, and its matching.

Deliberately simple (docs/venues.md, "The exchange emulator"): an order trades at once
against the price the test set, up to the depth the test set (unlimited by default);
a limit order that cannot trade rests (GTC) or expires (IOC); fees are charged in the
quote asset at the market's taker rate. Futures are one-way, cross margin, one
position per symbol, margin = notional / leverage.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


class ExchangeRefusal(Exception):
    """An answer in Binance's error shape: HTTP status, code and message."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


@dataclass(frozen=True)
class MarketSpec:
    """One market. ``futures`` markets are USDⓈ-M perpetuals."""

    base: str
    quote: str
    futures: bool = False
    tick: Decimal = Decimal("0.01")
    step: Decimal = Decimal("0.001")
    min_qty: Decimal = Decimal("0.001")
    max_qty: Decimal = Decimal("1000")
    min_notional: Decimal = Decimal("5")
    taker_fee: Decimal = Decimal("0.001")
    max_leverage: int = 125

    @property
    def id(self) -> str:
        return self.base + self.quote


@dataclass
class EmulatedOrder:
    order_id: int
    client_order_id: str
    market: MarketSpec
    side: str  # BUY / SELL
    type: str  # MARKET / LIMIT
    time_in_force: str
    qty: Decimal
    price: Decimal
    reduce_only: bool
    status: str = "NEW"
    executed: Decimal = ZERO
    quote_qty: Decimal = ZERO
    created_ms: int = 0
    updated_ms: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in ("NEW", "PARTIALLY_FILLED")


@dataclass
class EmulatedTrade:
    trade_id: int
    order: EmulatedOrder
    qty: Decimal
    price: Decimal
    fee: Decimal
    realized_pnl: Decimal
    time_ms: int


@dataclass
class EmulatedAccount:
    secret: str
    balances: dict[str, Decimal] = field(default_factory=dict)
    futures_wallet: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # qty, entry
    leverage: dict[str, int] = field(default_factory=dict)
    orders: list[EmulatedOrder] = field(default_factory=list)
    trades: list[EmulatedTrade] = field(default_factory=list)
    can_withdraw: bool = False  # what the key's permissions say (apiRestrictions)


def now_ms() -> int:
    return int(time.time() * 1000)


def text(value: Decimal) -> str:
    return format(value, "f")


class ExchangeState:
    """Everything the emulator knows; every method is called under ``lock``."""

    def __init__(self, markets: list[MarketSpec]) -> None:
        self.lock = threading.RLock()
        self.markets = {(m.futures, m.id): m for m in markets}
        self.accounts: dict[str, EmulatedAccount] = {}
        self.prices: dict[tuple[bool, str], Decimal] = {}
        self.depth: dict[tuple[bool, str], Decimal] = {}
        # Perp id -> (funding rate, next funding time in ms); emulator/funding.py.
        self.funding: dict[str, tuple[Decimal, int]] = {}
        self._next_id = 1000
        # Told of every trade as it happens (the websocket server's user-data events).
        self.trade_listeners: list[Callable[[EmulatedAccount, EmulatedTrade], None]] = []

    # --- what a test sets -------------------------------------------------------

    def add_account(self, api_key: str, secret: str, balances: dict[str, Decimal],
                    *, can_withdraw: bool = False) -> None:
        """An account with spot ``balances``; its futures wallet starts with the same cash."""
        with self.lock:
            self.accounts[api_key] = EmulatedAccount(
                secret, dict(balances), futures_wallet=dict(balances), can_withdraw=can_withdraw
            )

    def set_price(self, symbol_id: str, price: Decimal, *, futures: bool = False,
                  depth: Decimal | None = None) -> None:
        """The price orders trade at, and at most ``depth`` per order (None: unlimited)."""
        with self.lock:
            self.prices[(futures, symbol_id)] = price
            if depth is None:
                self.depth.pop((futures, symbol_id), None)
            else:
                self.depth[(futures, symbol_id)] = depth

    def orders_of(self, api_key: str) -> list[EmulatedOrder]:
        with self.lock:
            return list(self.accounts[api_key].orders)

    # --- requests ---------------------------------------------------------------

    def market(self, futures: bool, symbol_id: str | None) -> MarketSpec:
        market = self.markets.get((futures, symbol_id or ""))
        if market is None:
            raise ExchangeRefusal(400, -1121, "Invalid symbol.")
        return market

    def find(self, account: EmulatedAccount, market: MarketSpec, params: dict[str, str]
             ) -> EmulatedOrder:
        wanted_id = params.get("orderId")
        wanted_cid = params.get("origClientOrderId")
        for order in reversed(account.orders):
            if order.market is not market:
                continue
            if (wanted_id and str(order.order_id) == wanted_id) or (
                wanted_cid and order.client_order_id == wanted_cid
            ):
                return order
        raise ExchangeRefusal(400, -2013, "Order does not exist.")

    def place(self, account: EmulatedAccount, market: MarketSpec, p: dict[str, str]
              ) -> EmulatedOrder:
        cid = p.get("newClientOrderId") or f"emu-{self._next_id}"
        if any(o.client_order_id == cid and o.is_open for o in account.orders):
            raise ExchangeRefusal(400, -2010, "Duplicate order sent.")
        qty = Decimal(p.get("quantity", "0"))
        if qty < market.min_qty or qty > market.max_qty or qty % market.step:
            raise ExchangeRefusal(400, -1013, "Filter failure: LOT_SIZE")
        order_type = p.get("type", "")
        if order_type not in ("MARKET", "LIMIT"):
            raise ExchangeRefusal(400, -1116, "Invalid orderType.")
        price = Decimal(p["price"]) if order_type == "LIMIT" else ZERO
        if order_type == "LIMIT" and (price <= 0 or price % market.tick):
            raise ExchangeRefusal(400, -1013, "Filter failure: PRICE_FILTER")
        market_price = self.prices.get((market.futures, market.id))
        if market_price is None and order_type == "MARKET":
            raise ExchangeRefusal(400, -2010, "Market is closed.")
        check_price = price if order_type == "LIMIT" else market_price or ZERO
        if qty * check_price < market.min_notional:
            raise ExchangeRefusal(400, -1013, "Filter failure: NOTIONAL")
        self._next_id += 1
        stamp = now_ms()
        order = EmulatedOrder(
            order_id=self._next_id, client_order_id=cid, market=market, side=p.get("side", ""),
            type=order_type, time_in_force=p.get("timeInForce", "GTC"), qty=qty, price=price,
            reduce_only=p.get("reduceOnly", "false").lower() == "true",
            created_ms=stamp, updated_ms=stamp,
        )
        if order.reduce_only and not self._reduces(account, order, qty):
            raise ExchangeRefusal(400, -2022, "ReduceOnly Order is rejected.")
        self._match(account, order)
        account.orders.append(order)
        return order

    def cancel(self, order: EmulatedOrder) -> EmulatedOrder:
        if not order.is_open:
            raise ExchangeRefusal(400, -2011, "Unknown order sent.")
        order.status, order.updated_ms = "CANCELED", now_ms()
        return order

    # --- matching ---------------------------------------------------------------

    def _match(self, account: EmulatedAccount, order: EmulatedOrder) -> None:
        market = order.market
        price = self.prices.get((market.futures, market.id))
        marketable = price is not None and (
            order.type == "MARKET"
            or (order.side == "BUY" and price <= order.price)
            or (order.side == "SELL" and price >= order.price)
        )
        if marketable and price is not None:
            depth = self.depth.get((market.futures, market.id), order.qty)
            qty = min(order.qty, depth)
            if qty > 0:
                self._trade(account, order, qty, price)
        if order.executed == order.qty:
            order.status = "FILLED"
        elif order.type == "MARKET" or order.time_in_force == "IOC":
            order.status = "EXPIRED"
        elif order.executed:
            order.status = "PARTIALLY_FILLED"

    def _trade(self, account: EmulatedAccount, order: EmulatedOrder, qty: Decimal,
               price: Decimal) -> None:
        market = order.market
        fee = qty * price * market.taker_fee
        pnl = ZERO
        if market.futures:
            pnl = self._futures_fill(account, order, qty, price, fee)
        else:
            self._spot_fill(account, order, qty, price, fee)
        order.executed += qty
        order.quote_qty += qty * price
        order.updated_ms = now_ms()
        self._next_id += 1
        trade = EmulatedTrade(self._next_id, order, qty, price, fee, pnl, order.updated_ms)
        account.trades.append(trade)
        for listener in self.trade_listeners:
            listener(account, trade)

    def _spot_fill(self, account: EmulatedAccount, order: EmulatedOrder, qty: Decimal,
                   price: Decimal, fee: Decimal) -> None:
        m, bal = order.market, account.balances
        if order.side == "BUY":
            cost = qty * price + fee
            if bal.get(m.quote, ZERO) < cost:
                raise ExchangeRefusal(
                    400, -2010, "Account has insufficient balance for requested action."
                )
            bal[m.quote] = bal.get(m.quote, ZERO) - cost
            bal[m.base] = bal.get(m.base, ZERO) + qty
        else:
            if bal.get(m.base, ZERO) < qty:
                raise ExchangeRefusal(
                    400, -2010, "Account has insufficient balance for requested action."
                )
            bal[m.base] -= qty
            bal[m.quote] = bal.get(m.quote, ZERO) + qty * price - fee

    def _futures_fill(self, account: EmulatedAccount, order: EmulatedOrder, qty: Decimal,
                      price: Decimal, fee: Decimal) -> Decimal:
        m, wallet = order.market, account.futures_wallet
        held, entry = account.positions.get(m.id, (ZERO, ZERO))
        signed = qty if order.side == "BUY" else -qty
        leverage = Decimal(account.leverage.get(m.id, 20))
        pnl = ZERO
        if held and (held > 0) != (signed > 0):  # closes first
            closing = min(abs(held), qty)
            pnl = closing * (price - entry) * (1 if held > 0 else -1)
        new = held + signed
        if new == 0:
            new_entry = ZERO
        elif held == 0 or (held > 0) != (new > 0):
            new_entry = price
        elif abs(new) > abs(held):
            new_entry = (abs(held) * entry + qty * price) / abs(new)
        else:
            new_entry = entry
        margin_after = abs(new) * new_entry / leverage
        margin_before = abs(held) * entry / leverage
        free = wallet.get(m.quote, ZERO) - self.margin_used(account) + margin_before
        if abs(new) > abs(held) and free < margin_after + fee - pnl:
            raise ExchangeRefusal(400, -2019, "Margin is insufficient.")
        wallet[m.quote] = wallet.get(m.quote, ZERO) + pnl - fee
        account.positions[m.id] = (new, new_entry)
        return pnl

    def margin_used(self, account: EmulatedAccount) -> Decimal:
        total = ZERO
        for symbol_id, (qty, entry) in account.positions.items():
            total += abs(qty) * entry / Decimal(account.leverage.get(symbol_id, 20))
        return total

    def _reduces(self, account: EmulatedAccount, order: EmulatedOrder, qty: Decimal) -> bool:
        held, _ = account.positions.get(order.market.id, (ZERO, ZERO))
        signed = qty if order.side == "BUY" else -qty
        return held != 0 and (held > 0) != (signed > 0) and abs(signed) <= abs(held)

    # --- answers in Binance's shapes -------------------------------------------

    def order_json(
        self, order: EmulatedOrder, with_fills: bool = False,
        account: EmulatedAccount | None = None,
    ) -> dict[str, Any]:
        m = order.market
        body: dict[str, Any] = {
            "symbol": m.id, "orderId": order.order_id, "clientOrderId": order.client_order_id,
            "price": text(order.price), "origQty": text(order.qty),
            "executedQty": text(order.executed), "status": order.status,
            "timeInForce": order.time_in_force, "type": order.type, "side": order.side,
            "time": order.created_ms, "updateTime": order.updated_ms,
        }
        if m.futures:
            avg = order.quote_qty / order.executed if order.executed else ZERO
            body |= {"avgPrice": text(avg), "cumQuote": text(order.quote_qty),
                     "reduceOnly": order.reduce_only, "closePosition": False,
                     "positionSide": "BOTH", "origType": order.type, "stopPrice": "0"}
        else:
            body |= {"orderListId": -1, "cummulativeQuoteQty": text(order.quote_qty),
                     "transactTime": order.created_ms, "workingTime": order.created_ms,
                     "isWorking": order.status == "NEW", "stopPrice": "0",
                     "icebergQty": "0", "origQuoteOrderQty": "0"}
        if with_fills and not m.futures:
            # Binance's FULL answer to a new spot order lists its trades.
            body["fills"] = [
                {"price": text(t.price), "qty": text(t.qty), "commission": text(t.fee),
                 "commissionAsset": m.quote, "tradeId": t.trade_id}
                for t in (account.trades if account is not None else ())
                if t.order is order
            ]
        return body

    def trade_json(self, trade: EmulatedTrade) -> dict[str, Any]:
        order, m = trade.order, trade.order.market
        body: dict[str, Any] = {
            "symbol": m.id, "id": trade.trade_id, "orderId": order.order_id,
            "price": text(trade.price), "qty": text(trade.qty),
            "quoteQty": text(trade.qty * trade.price), "commission": text(trade.fee),
            "commissionAsset": m.quote, "time": trade.time_ms,
        }
        if m.futures:
            body |= {"side": order.side, "buyer": order.side == "BUY", "maker": False,
                     "realizedPnl": text(trade.realized_pnl), "positionSide": "BOTH"}
        else:
            body |= {"orderListId": -1, "isBuyer": order.side == "BUY", "isMaker": False,
                     "isBestMatch": True}
        return body

    def ticker_json(self, symbol_id: str, price: Decimal) -> dict[str, Any]:
        """A 24-hour ticker at the set price (the day's range is that price alone)."""
        p, now = text(price), now_ms()
        return {"symbol": symbol_id, "lastPrice": p, "openPrice": p, "highPrice": p,
                "lowPrice": p, "bidPrice": p, "askPrice": p, "volume": "0",
                "quoteVolume": "0", "openTime": now - 86_400_000, "closeTime": now,
                "count": 0}

    def leverage_brackets(self) -> list[dict[str, Any]]:
        return [
            {"symbol": m.id, "brackets": [
                {"bracket": 1, "initialLeverage": m.max_leverage, "notionalCap": 1000000,
                 "notionalFloor": 0, "maintMarginRatio": 0.004, "cum": 0}]}
            for (futures, _), m in self.markets.items() if futures
        ]

    def exchange_info(self, futures: bool) -> dict[str, Any]:
        symbols = [self._market_json(m) for (f, _), m in self.markets.items() if f == futures]
        return {"timezone": "UTC", "serverTime": now_ms(), "rateLimits": [],
                "exchangeFilters": [], "symbols": symbols}

    def _market_json(self, m: MarketSpec) -> dict[str, Any]:
        filters = [
            {"filterType": "PRICE_FILTER", "minPrice": text(m.tick), "maxPrice": "1000000",
             "tickSize": text(m.tick)},
            {"filterType": "LOT_SIZE", "minQty": text(m.min_qty), "maxQty": text(m.max_qty),
             "stepSize": text(m.step)},
        ]
        body: dict[str, Any] = {
            "symbol": m.id, "status": "TRADING", "baseAsset": m.base, "quoteAsset": m.quote,
            "baseAssetPrecision": 8, "quotePrecision": 8, "orderTypes": ["LIMIT", "MARKET"],
        }
        if m.futures:
            filters.append({"filterType": "MIN_NOTIONAL", "notional": text(m.min_notional)})
            body |= {"pair": m.id, "contractType": "PERPETUAL", "deliveryDate": 4133404800000,
                     "onboardDate": 1569398400000, "marginAsset": m.quote,
                     "pricePrecision": 2, "quantityPrecision": 3, "underlyingType": "COIN",
                     "timeInForce": ["GTC", "IOC"]}
        else:
            filters.append({"filterType": "NOTIONAL", "minNotional": text(m.min_notional),
                            "maxNotional": "9000000"})
            body |= {"isSpotTradingAllowed": True, "isMarginTradingAllowed": False,
                     "permissions": [], "permissionSets": [["SPOT"]]}
        body["filters"] = filters
        return body
