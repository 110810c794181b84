"""What differs between exchanges beyond ccxt's unified API: a small table.

Today: how long a client order id may be and which characters it may hold, the ccxt
options that keep a client on the endpoints copytrade uses, and a fallback for the
max leverage where the market data does not carry it. The rule shortening our ids
(docs/venues.md, "Client order ids") is deterministic: the same id of ours always
becomes the same exchange id, so a retry or a lookup after a restart finds the order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId


@dataclass(frozen=True, slots=True)
class ExchangeQuirks:
    exchange: str
    max_client_id_length: int
    # The characters an exchange accepts in a client order id; others are dropped.
    client_id_disallowed: re.Pattern[str]
    options: Mapping[str, Any] = field(default_factory=dict)
    default_max_leverage: Decimal = Decimal(20)
    # ccxt's ``urls['api']`` entries as paths under one base URL: ``api_base`` (a proxy,
    # a local emulator) replaces the host of every one of them.
    api_paths: Mapping[str, str] = field(default_factory=dict)
    # How a trade history is paged: "from_id" (the trade id after the last one read,
    # ids ascending) or "since" (the time of the last one read, trades deduplicated by id).
    trade_paging: str = "since"
    # ccxt pro's ``urls['api']['ws']`` as paths under one base URL (``ws_base``, the
    # tests' emulator): entries that are paths, and mappings of paths (``ws-api``).
    ws_paths: Mapping[str, str | Mapping[str, str]] = field(default_factory=dict)
    # Asks the exchange whether the client's key may withdraw: True/False where the
    # exchange reports it, None when it does not (docs/venues.md, "Linking accounts").
    withdrawal_permission: Callable[[Any], bool | None] | None = None

    def api_urls(self, base: str) -> dict[str, str]:
        """``urls['api']`` pointing every entry at ``base``; InvalidValueError when this
        exchange has no such table yet."""
        if not self.api_paths:
            raise InvalidValueError(
                f"a custom API base URL is not supported for {self.exchange} yet"
            )
        root = base.rstrip("/")
        return {name: f"{root}{path}" for name, path in self.api_paths.items()}

    def ws_urls(self, base: str) -> dict[str, Any]:
        """``urls['api']['ws']`` pointing every entry at ``base``; InvalidValueError when
        this exchange has no such table yet."""
        if not self.ws_paths:
            raise InvalidValueError(
                f"a custom websocket base URL is not supported for {self.exchange} yet"
            )
        root = base.rstrip("/")
        return {
            name: f"{root}{path}" if isinstance(path, str)
            else {kind: f"{root}{sub}" for kind, sub in path.items()}
            for name, path in self.ws_paths.items()
        }

    def client_order_id(self, ours: ClientOrderId) -> str:
        """Our id as this exchange accepts it: cleaned, or hashed when still too long."""
        cleaned = self.client_id_disallowed.sub("", str(ours))
        if cleaned and len(cleaned) <= self.max_client_id_length:
            return cleaned
        return hashlib.sha256(str(ours).encode()).hexdigest()[: self.max_client_id_length]


def _binance_can_withdraw(client: Any) -> bool | None:
    """The key's ``enableWithdrawals`` (GET /sapi/v1/account/apiRestrictions)."""
    answer = client.sapi_get_account_apirestrictions()
    value = answer.get("enableWithdrawals") if isinstance(answer, Mapping) else None
    return value if isinstance(value, bool) else None


QUIRKS: Mapping[str, ExchangeQuirks] = MappingProxyType(
    {
        # Binance: newClientOrderId matches ^[.A-Z:/a-z0-9_-]{1,36}$.
        "binance": ExchangeQuirks(
            "binance",
            36,
            re.compile(r"[^.A-Za-z0-9:/_-]"),
            options={
                # Only what copytrade trades: spot and USDⓈ-M perpetuals; no margin
                # pairs and no currency list (both private calls it does not need).
                "fetchMarkets": {"types": ["spot", "linear"]},
                "fetchCurrencies": False,
                "fetchMargins": False,
                # Reconciliation reads every open order of a kind of market at once
                # (a heavier call Binance allows; ccxt asks to be told it is meant).
                "fetchOpenOrders": {"warnWithoutSymbol": False},
            },
            default_max_leverage=Decimal(20),
            api_paths=MappingProxyType(
                {
                    "public": "/api/v3",
                    "private": "/api/v3",
                    "v1": "/api/v1",
                    "sapi": "/sapi/v1",
                    "fapiPublic": "/fapi/v1",
                    "fapiPublicV2": "/fapi/v2",
                    "fapiPublicV3": "/fapi/v3",
                    "fapiPrivate": "/fapi/v1",
                    "fapiPrivateV2": "/fapi/v2",
                    "fapiPrivateV3": "/fapi/v3",
                }
            ),
            # myTrades' fromId: trades with an id at least this, ascending.
            trade_paging="from_id",
            # ccxt makes the USDⓈ-M user stream ``<linear without /ws>/private/ws``.
            ws_paths=MappingProxyType(
                {"spot": "/ws", "linear": "/ws", "ws-api": MappingProxyType(
                    {"spot": "/ws-api/v3"})}
            ),
            withdrawal_permission=_binance_can_withdraw,
        ),
        # OKX: clOrdId is 1..32 letters and digits.
        "okx": ExchangeQuirks("okx", 32, re.compile(r"[^A-Za-z0-9]")),
        # Bybit: orderLinkId is up to 36 letters, digits, '-' and '_'.
        "bybit": ExchangeQuirks("bybit", 36, re.compile(r"[^A-Za-z0-9_-]")),
    }
)


def quirks_for(exchange: str) -> ExchangeQuirks:
    """The table's row for a ccxt exchange id, or InvalidValueError naming the known ones."""
    try:
        return QUIRKS[exchange]
    except KeyError:
        raise InvalidValueError(
            f"exchange {exchange!r} is not supported yet; supported: {', '.join(sorted(QUIRKS))}"
        ) from None
