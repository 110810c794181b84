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
from collections.abc import Mapping
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

    def client_order_id(self, ours: ClientOrderId) -> str:
        """Our id as this exchange accepts it: cleaned, or hashed when still too long."""
        cleaned = self.client_id_disallowed.sub("", str(ours))
        if cleaned and len(cleaned) <= self.max_client_id_length:
            return cleaned
        return hashlib.sha256(str(ours).encode()).hexdigest()[: self.max_client_id_length]


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
            },
            default_max_leverage=Decimal(20),
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
