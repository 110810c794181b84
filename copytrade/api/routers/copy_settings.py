"""The copy settings a follower chooses, as request fields: one definition for the
follow request and the what-if (docs/api.md; docs/whatif.md)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from copytrade.api.inputs import Amount, Bounded, Percent, PositivePercent, WholeNumber
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.settings import (
    DEFAULT_MAX_LOSS_PCT,
    DEFAULT_MAX_OPEN_TRADES,
    DEFAULT_MAX_PER_TRADE_PCT,
    DEFAULT_MULTIPLIER,
    DEFAULT_SLIPPAGE_PCT,
    MAX_MULTIPLIER,
    MAX_TAKE_PROFIT_PCT,
)
from copytrade.domain.margin_mode import MarginMode

Symbols = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=200)]
TakeProfitPct = Annotated[Decimal, Bounded(0, MAX_TAKE_PROFIT_PCT, 8, above_low=True)]


class CopySettingsFields(BaseModel):
    """Every copy setting, each a field of the same name as in ``CopySettings``."""

    model_config = ConfigDict(extra="forbid")

    mode: SizingMode = Field(SizingMode.PROPORTIONAL, description="How copies are sized.")
    fixed_amount: Amount | None = Field(
        None, description="fixed_amount mode: the notional copied per provider order."
    )
    multiplier: Annotated[Decimal, Bounded(0, MAX_MULTIPLIER, 8, above_low=True)] = Field(
        DEFAULT_MULTIPLIER, description="multiplier mode: the factor on the proportional size."
    )
    leverage: Annotated[Decimal, Bounded(1, 1000, 8)] | None = Field(
        None, description="Own leverage on perps (default: the provider's, capped by the market)."
    )
    max_per_trade_pct: PositivePercent = Field(
        DEFAULT_MAX_PER_TRADE_PCT, description="Largest copy, % of the copy's equity."
    )
    max_open_trades: WholeNumber = Field(
        DEFAULT_MAX_OPEN_TRADES, ge=1, le=1000, description="Most open positions at once."
    )
    max_loss_pct: PositivePercent = Field(
        DEFAULT_MAX_LOSS_PCT, description="Stop copying at this drawdown, % of net allocated."
    )
    slippage_pct: Percent = Field(
        DEFAULT_SLIPPAGE_PCT,
        description="Skip a copy when the price moved more than this % from the provider's fill.",
    )
    whitelist: Symbols = Field([], description="Copy only these symbols (empty: all).")
    blacklist: Symbols = Field([], description="Never copy these symbols.")
    close_on_stop: StrictBool = Field(
        True, description="Close the copied positions when copying stops."
    )
    copy_open_positions: StrictBool = Field(
        False, description="Also open the provider's current positions at the follow."
    )
    copy_stop_loss_pct: PositivePercent | None = Field(
        None, description="Close one copy at this loss, % of its entry (off when empty)."
    )
    copy_take_profit_pct: TakeProfitPct | None = Field(
        None, description="Close one copy at this gain, % of its entry (off when empty)."
    )
    take_profit_pct: TakeProfitPct | None = Field(
        None, description="Close everything and stop at this gain, % of net allocated."
    )
    trailing_stop_pct: PositivePercent | None = Field(
        None, description="Close everything and stop after falling this % from the best equity."
    )
    margin_mode: MarginMode = Field(MarginMode.ISOLATED, description="Margin for perpetuals.")

    def copy_settings(self) -> CopySettings:
        chosen = {name: getattr(self, name) for name in SETTINGS}
        chosen["whitelist"] = frozenset(self.whitelist)
        chosen["blacklist"] = frozenset(self.blacklist)
        return CopySettings(**chosen)


# Every setting a follower chooses: the fields above have a field of the same name for each.
SETTINGS = tuple(f.name for f in dataclasses.fields(CopySettings) if f.init)
if set(SETTINGS) != set(CopySettingsFields.model_fields):
    raise TypeError(
        "CopySettingsFields and CopySettings differ: "
        f"{set(SETTINGS) ^ set(CopySettingsFields.model_fields)}"
    )
