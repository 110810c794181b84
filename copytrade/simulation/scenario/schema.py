"""The file shape of a scenario (pydantic): what keys exist, their types and signs.

Every model forbids unknown keys and coerces nothing; ``ScenarioDoc`` is the
whole document. Building the domain objects from it is ``build.py``'s job.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag

from copytrade.domain.instruments import DEFAULT_LIQUIDATION_FEE
from copytrade.simulation.scenario.fields import (
    STRICT,
    Duration,
    NonNegativeNumber,
    Number,
    PositiveNumber,
    Timestamp,
)
from copytrade.simulation.scenario.schema_events import EventDoc


class DepthDoc(BaseModel):
    model_config = STRICT
    level_size: PositiveNumber
    spacing: PositiveNumber
    levels: int = 10


class MarginTierDoc(BaseModel):
    model_config = STRICT
    floor: Number
    maintenance_rate: Number
    max_leverage: Number | None = None


class InstrumentDoc(BaseModel):
    model_config = STRICT
    symbol: str
    kind: Literal["spot", "perp"]
    base: str | None = None
    tick: Number
    lot_step: Number
    min_qty: Number = Decimal(0)
    min_notional: Number = Decimal(0)
    max_qty: Number = Decimal(10) ** 9
    maker_fee: Number = Decimal(0)
    taker_fee: Number = Decimal(0)
    max_leverage: Number = Decimal(1)
    # Perp margin rules (docs/domain.md "Margin"); tiers: {floor, maintenance_rate,
    # max_leverage?}, lowest first.
    maintenance_margin_rate: Number | None = None
    liquidation_fee: Number = DEFAULT_LIQUIDATION_FEE
    margin_tiers: list[MarginTierDoc] = []
    # The paper venue's depth model (docs/venues.md "Depth"); none: unlimited at the mark.
    depth: DepthDoc | None = None


class PricePointDoc(BaseModel):
    model_config = STRICT
    at: Timestamp
    symbol: str
    price: PositiveNumber


class PriceSeriesDoc(BaseModel):
    """Shorthand: ``prices[k]`` is in force from ``start + k * every``."""

    model_config = STRICT
    symbol: str
    start: Timestamp
    every: Duration
    prices: list[PositiveNumber] = Field(min_length=1)


class PriceCsvDoc(BaseModel):
    """A CSV file of OHLCV bars (docs/marketdata.md "CSV"), relative to the scenario file:
    each bar's close is in force from the bar's end; a ``funding_rate`` column gives the
    perp's funding at the rows' times (docs/scenarios.md "prices")."""

    model_config = STRICT
    csv: str = Field(min_length=1)
    symbol: str


def _price_kind(value: Any) -> str:
    # A series is the item that carries a list of prices, a file the item naming a csv;
    # anything else is a point.
    if isinstance(value, dict) and "csv" in value:
        return "csv"
    return "series" if isinstance(value, dict) and "prices" in value else "point"


PriceDoc = Annotated[
    Annotated[PricePointDoc, Tag("point")]
    | Annotated[PriceSeriesDoc, Tag("series")]
    | Annotated[PriceCsvDoc, Tag("csv")],
    Discriminator(_price_kind),
]


class ProviderDoc(BaseModel):
    model_config = STRICT
    id: str
    name: str | None = None
    deposit: NonNegativeNumber
    share_pct: Number = Decimal(10)
    settlement: Literal["weekly", "monthly"] = "weekly"
    fee_model: Literal["profit_share", "subscription", "commission"] = "profit_share"
    subscription_price: PositiveNumber | None = None
    # The smallest allocation it accepts (docs/domain.md "Limits across providers").
    min_allocation: PositiveNumber | None = None
    # Its own block-execution setting; none: the scenario's (docs/engine.md).
    block_execution: bool | None = None


class FollowerDoc(BaseModel):
    model_config = STRICT
    id: str
    name: str | None = None
    deposit: NonNegativeNumber


class AlertDoc(BaseModel):
    """A technical-indicator alert rule the run evaluates (docs/alerts.md)."""

    model_config = STRICT

    id: str | None = None
    owner: str
    symbol: str
    timeframe: str
    condition: str
    mode: Literal["once", "every"] = "once"
    cooldown: Duration | None = None


class RiskAlertDoc(BaseModel):
    """A copy-trading risk alert subscription (docs/alerts.md, "Risk alerts")."""

    model_config = STRICT

    id: str | None = None
    owner: str
    kind: str
    level: Number | None = None
    provider: str | None = None


class ScenarioDoc(BaseModel):
    model_config = STRICT
    name: str
    description: str = ""
    start: Timestamp
    currency: str = "USDT"
    platform_fee_pct: Number = Decimal(2)
    commission_pct: Number = Decimal(0)
    subscription_platform_cut_pct: Number = Decimal(2)
    # The platform's block-execution setting (docs/engine.md "Block execution").
    block_execution: bool = False
    seed: int | None = None
    # The platform's limits across providers (docs/domain.md); None: the platform's own.
    max_copied_providers: int | None = Field(default=None, ge=1, le=10_000)
    max_symbol_exposure: PositiveNumber | None = None
    instruments: list[InstrumentDoc] = Field(min_length=1)
    prices: list[PriceDoc] = Field(min_length=1)
    providers: list[ProviderDoc] = Field(min_length=1)
    followers: list[FollowerDoc] = Field(default_factory=list)
    events: list[EventDoc] = Field(default_factory=list)
    alerts: list[AlertDoc] = Field(default_factory=list)
    risk_alerts: list[RiskAlertDoc] = Field(default_factory=list)
