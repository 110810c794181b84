"""The file shape of ``events``: one model per action, told apart by ``type``.

Shape only (types, required keys, signs); what needs the rest of the file
(known ids, the relationship's state, the instrument's lot step) is checked
when the scenario is built.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from copytrade.simulation.scenario.fields import (
    STRICT,
    Number,
    PositiveNumber,
    Timestamp,
)


class _EventDoc(BaseModel):
    model_config = STRICT
    at: Timestamp


class OrderDoc(_EventDoc):
    type: Literal["order"]
    provider: str
    symbol: str
    side: Literal["buy", "sell"]
    qty: PositiveNumber
    order_type: Literal["market", "limit"] = "market"
    price: PositiveNumber | None = None
    leverage: PositiveNumber | None = None
    reduce_only: bool = False
    id: str | None = None
    # A conditional order (docs/venues.md "Trigger orders") and its time in force.
    trigger: Literal["stop", "take_profit", "trailing_stop"] | None = None
    trigger_price: PositiveNumber | None = None
    trail_distance: PositiveNumber | None = None
    trail_percent: PositiveNumber | None = None
    time_in_force: Literal["gtc", "ioc", "fok"] = "gtc"
    post_only: bool = False


class SettingsDoc(BaseModel):
    """CopySettings as written; unset keys take the domain's defaults."""

    model_config = STRICT
    mode: Literal["fixed_amount", "proportional", "multiplier"]
    fixed_amount: Number | None = None
    multiplier: Number | None = None
    leverage: Number | None = None
    max_per_trade_pct: Number | None = None
    max_open_trades: int | None = None
    max_loss_pct: Number | None = None
    slippage_pct: Number | None = None
    whitelist: list[str] | None = None
    blacklist: list[str] | None = None
    close_on_stop: bool | None = None
    copy_open_positions: bool | None = None
    copy_stop_loss_pct: Number | None = None
    copy_take_profit_pct: Number | None = None
    take_profit_pct: Number | None = None
    trailing_stop_pct: Number | None = None
    margin_mode: Literal["isolated", "cross"] | None = None


class SettingsEditDoc(SettingsDoc):
    """Some settings to change (docs/domain.md, "Editing copy settings"); a null turns a
    setting that can be off (a protection, the leverage) off."""

    mode: Literal["fixed_amount", "proportional", "multiplier"] | None = None  # type: ignore[assignment]


class EditSettingsDoc(_EventDoc):
    type: Literal["edit_settings"]
    follower: str
    provider: str
    settings: SettingsEditDoc


class FollowDoc(_EventDoc):
    type: Literal["follow"]
    follower: str
    provider: str
    allocation: PositiveNumber
    settings: SettingsDoc


class RelationshipDoc(_EventDoc):
    type: Literal["pause", "resume", "stop"]
    follower: str
    provider: str


class AmountDoc(_EventDoc):
    type: Literal["top_up", "withdraw"]
    follower: str
    provider: str
    amount: PositiveNumber


class ManualCloseDoc(_EventDoc):
    type: Literal["manual_close"]
    follower: str
    provider: str
    symbol: str


class SettleDoc(_EventDoc):
    type: Literal["settle"]


class ChargeSubscriptionsDoc(_EventDoc):
    type: Literal["charge_subscriptions"]


class DepositDoc(_EventDoc):
    type: Literal["deposit"]
    account: str
    amount: PositiveNumber


class FundingDoc(_EventDoc):
    """A perpetual's funding at a funding time (every 8 hours: 00:00, 08:00, 16:00 UTC)."""

    type: Literal["funding"]
    symbol: str
    rate: Number


class TriggersDoc(_EventDoc):
    """The provider sets, moves or cancels the stop-loss / take-profit of its position
    (docs/domain.md, "The provider's stop-loss and take-profit"): the two prices replace
    any set before; one left out (or null) is not set."""

    type: Literal["tp_sl"]
    provider: str
    symbol: str
    stop_loss: PositiveNumber | None = None
    take_profit: PositiveNumber | None = None


EventDoc = Annotated[
    OrderDoc
    | FollowDoc
    | RelationshipDoc
    | AmountDoc
    | ManualCloseDoc
    | EditSettingsDoc
    | SettleDoc
    | ChargeSubscriptionsDoc
    | DepositDoc
    | FundingDoc
    | TriggersDoc,
    Field(discriminator="type"),
]
