"""A provider's own open positions and their stop-loss / take-profit trigger prices,
which every copy mirrors (docs/domain.md, "The provider's stop-loss and take-profit";
docs/api.md, "Positions")."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.inputs import Bounded
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out, wire_model
from copytrade.domain.values import MAX_AMOUNT
from copytrade.service_layer.following.views import PositionView
from copytrade.service_layer.provider_positions import ProviderPositions

router = APIRouter(prefix=f"{API_V1}/positions", tags=["orders"], responses=errors(401, 403))

PositionOut = wire_model(PositionView)
TriggerPrice = Annotated[Decimal, Bounded(0, MAX_AMOUNT, 12, above_low=True)]


class PositionsOut(Out):
    positions: list[PositionOut]  # type: ignore[valid-type]
    in_orders: dict[str, str] = Field(
        description="What my resting orders keep in orders at the venue, per currency or "
        'spot base asset (docs/venues.md "Funds in orders"): not available to new orders.'
    )


class TriggersBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=64, examples=["BTC/USDT:USDT"])
    stop_loss: TriggerPrice | None = Field(
        default=None,
        description="Close the position at market when the mark reaches it (a long's below "
        "the mark, a short's above); null or left out: none.",
    )
    take_profit: TriggerPrice | None = Field(
        default=None,
        description="Close it at market when the mark reaches it (a long's above the mark, a "
        "short's below); null or left out: none.",
    )


@router.get("", response_model=PositionsOut)
def my_positions(user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    """The signed-in provider's open positions, marked, with margin mode, liquidation
    price and its stop-loss / take-profit prices."""
    service = ProviderPositions(runtime.platform)
    return {
        "positions": plain(service.positions(user.id)),
        "in_orders": plain(service.in_orders(user.id)),
    }


@router.put("/tp-sl", response_model=PositionOut, responses=errors(409, 413, 422))
def set_tp_sl(body: TriggersBody, user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    """Set, move or cancel (both null) the stop-loss and take-profit of one open position;
    they replace any set before. Every copy of the position gets the same prices on its own
    quantity; the platform checks them at every mark and a firing closes the position and
    each copy reduce-only at market. 409 ``no_position`` without an open position; 422 for a
    price the mark already reached."""
    service = ProviderPositions(runtime.platform)
    stop_loss: Decimal | None = body.stop_loss
    take_profit: Decimal | None = body.take_profit
    view = runtime.act(lambda: service.set_triggers(user.id, body.symbol, stop_loss, take_profit))
    return plain(view)  # type: ignore[no-any-return]
