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

    mode: SizingMode = SizingMode.PROPORTIONAL
    fixed_amount: Amount | None = None
    multiplier: Annotated[Decimal, Bounded(0, MAX_MULTIPLIER, 8, above_low=True)] = (
        DEFAULT_MULTIPLIER
    )
    leverage: Annotated[Decimal, Bounded(1, 1000, 8)] | None = None
    max_per_trade_pct: PositivePercent = DEFAULT_MAX_PER_TRADE_PCT
    max_open_trades: WholeNumber = Field(DEFAULT_MAX_OPEN_TRADES, ge=1, le=1000)
    max_loss_pct: PositivePercent = DEFAULT_MAX_LOSS_PCT
    slippage_pct: Percent = DEFAULT_SLIPPAGE_PCT
    whitelist: Symbols = []
    blacklist: Symbols = []
    close_on_stop: StrictBool = True
    copy_open_positions: StrictBool = False
    copy_stop_loss_pct: PositivePercent | None = None
    copy_take_profit_pct: TakeProfitPct | None = None
    take_profit_pct: TakeProfitPct | None = None
    trailing_stop_pct: PositivePercent | None = None
    margin_mode: MarginMode = MarginMode.ISOLATED

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
