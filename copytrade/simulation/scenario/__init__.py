"""Scenario files for ``copytrade simulate``: format, loader and play order (docs/scenarios.md)."""

from copytrade.simulation.scenario.errors import ScenarioError
from copytrade.simulation.scenario.events import (
    ChargeSubscriptions,
    Deposit,
    EditSettings,
    Event,
    Follow,
    FollowerAction,
    Funding,
    ManualClose,
    Pause,
    ProviderOrder,
    ProviderTriggers,
    Resume,
    Settle,
    Stop,
    TopUp,
    Withdraw,
)
from copytrade.simulation.scenario.loader import load_scenario, scenario_from_data
from copytrade.simulation.scenario.model import (
    FollowerSpec,
    ProviderSpec,
    Scenario,
    SettlementPeriod,
)
from copytrade.simulation.scenario.timeline import PricePoint, TimelineItem, timeline

__all__ = [
    "ChargeSubscriptions",
    "Deposit",
    "EditSettings",
    "Event",
    "Follow",
    "FollowerAction",
    "FollowerSpec",
    "Funding",
    "ManualClose",
    "Pause",
    "PricePoint",
    "ProviderOrder",
    "ProviderSpec",
    "ProviderTriggers",
    "Resume",
    "Scenario",
    "ScenarioError",
    "Settle",
    "SettlementPeriod",
    "Stop",
    "TimelineItem",
    "TopUp",
    "Withdraw",
    "load_scenario",
    "scenario_from_data",
    "timeline",
]
