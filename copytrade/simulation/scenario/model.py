"""A loaded scenario: immutable, validated, with Decimal amounts and typed ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from copytrade.domain.alerts.risk import RiskRule
from copytrade.domain.alerts.rules import AlertRule
from copytrade.domain.ids import FollowerId, ProviderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.profit_share.fee_model import FeeModel
from copytrade.domain.values import Currency
from copytrade.marketdata.ticks import PriceTick
from copytrade.simulation.scenario.events import Event, Funding


class SettlementPeriod(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    id: ProviderId
    name: str
    deposit: Decimal  # initial paper balance
    share_pct: Decimal  # 0..30
    settlement: SettlementPeriod
    fee_model: FeeModel = FeeModel.PROFIT_SHARE
    subscription_price: Decimal | None = None
    min_allocation: Decimal | None = None  # docs/domain.md "Limits across providers"
    block_execution: bool | None = None  # None: the scenario's setting


@dataclass(frozen=True, slots=True)
class FollowerSpec:
    id: FollowerId
    name: str
    deposit: Decimal  # initial paper balance (free, before any allocation)


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything ``copytrade simulate`` needs; iterate it with ``timeline``.

    ``prices`` are sorted by time (stable: file order among equal times);
    ``events`` are in file order, which is also time order (the loader refuses
    an event earlier than the one before it). ``source`` is the file it came
    from and does not take part in equality.
    """

    name: str
    description: str
    start: datetime
    currency: Currency
    platform_fee_pct: Decimal
    seed: int | None
    instruments: tuple[Instrument, ...]
    prices: tuple[PriceTick, ...]
    providers: tuple[ProviderSpec, ...]
    followers: tuple[FollowerSpec, ...]
    events: tuple[Event, ...]
    source: str = field(default="", compare=False)
    commission_pct: Decimal = Decimal(0)
    subscription_platform_cut_pct: Decimal = Decimal(2)
    # The platform's block-execution setting (docs/engine.md "Block execution").
    block_execution: bool = False
    # Alert rules the run evaluates, created at ``start`` (docs/scenarios.md, "Alerts").
    alerts: tuple[AlertRule, ...] = ()
    risk_alerts: tuple[RiskRule, ...] = ()
    # The funding_rate columns of the price files, in time order (docs/scenarios.md "prices").
    csv_funding: tuple[Funding, ...] = ()
    # The limits across providers (docs/domain.md); None: the platform's defaults.
    max_copied_providers: int | None = None
    max_symbol_exposure: Decimal | None = None
    _by_symbol: Mapping[str, Instrument] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        symbols = {instrument.symbol: instrument for instrument in self.instruments}
        object.__setattr__(self, "_by_symbol", MappingProxyType(symbols))

    def instrument(self, symbol: str) -> Instrument:
        """The instrument of ``symbol`` (KeyError when the scenario has none)."""
        return self._by_symbol[symbol]
