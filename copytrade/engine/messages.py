"""Messages between the engine's parts: immutable, and plain JSON on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId, ProviderId
from copytrade.domain.instruments import parse_side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.values import Price, Quantity

PROVIDER_FILLED = "provider.filled"


@dataclass(frozen=True, slots=True)
class ProviderFilled:
    """A provider's fill with what copying it needs, captured when it was booked.

    ``position_before`` is the provider's signed position in the symbol and
    ``equity_before`` its equity (cash plus positions marked) just before the
    fill; ``order_qty`` is its order's quantity and ``leverage`` the order's.
    The message id is the fill id: redelivery is recognised by it.
    """

    provider: ProviderId
    fill: Fill
    order_qty: Decimal
    position_before: Decimal
    equity_before: Decimal
    leverage: Decimal

    @property
    def message_id(self) -> str:
        return f"provider-fill:{self.fill.fill_id}"

    def to_payload(self) -> dict[str, Any]:
        f = self.fill
        return {
            "provider": str(self.provider),
            "fill_id": str(f.fill_id),
            "order_id": str(f.order_id),
            "client_order_id": str(f.client_order_id) if f.client_order_id else None,
            "account": str(f.account),
            "symbol": f.symbol,
            "side": f.side.value,
            "qty": str(f.qty),
            "price": str(f.price),
            "fee": str(f.fee),
            "liquidity": f.liquidity.value,
            "ts": f.ts.isoformat(),
            "order_qty": str(self.order_qty),
            "position_before": str(self.position_before),
            "equity_before": str(self.equity_before),
            "leverage": str(self.leverage),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ProviderFilled:
        client_order_id = payload["client_order_id"]
        fill = Fill(
            fill_id=FillId(payload["fill_id"]),
            order_id=OrderId(payload["order_id"]),
            client_order_id=ClientOrderId(client_order_id) if client_order_id else None,
            account=AccountId(payload["account"]),
            symbol=payload["symbol"],
            side=parse_side(payload["side"]),
            qty=Quantity(payload["qty"]),
            price=Price(payload["price"]),
            fee=Decimal(payload["fee"]),
            liquidity=Liquidity(payload["liquidity"]),
            ts=datetime.fromisoformat(payload["ts"]),
        )
        return cls(
            provider=ProviderId(payload["provider"]),
            fill=fill,
            order_qty=Decimal(payload["order_qty"]),
            position_before=Decimal(payload["position_before"]),
            equity_before=Decimal(payload["equity_before"]),
            leverage=Decimal(payload["leverage"]),
        )
