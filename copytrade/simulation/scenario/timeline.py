"""The order a scenario is played in: one merged, deterministic stream.

Sorted by time; at one time every price point comes before every action
(SPEC §9: the price applies first), price points keep their (stable) order,
and actions keep file order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime

from copytrade.marketdata.ticks import PriceTick
from copytrade.simulation.scenario.events import Event
from copytrade.simulation.scenario.model import Scenario

TimelineItem = PriceTick | Event


def _time(item: TimelineItem) -> datetime:
    return item.ts if isinstance(item, PriceTick) else item.at


def timeline(scenario: Scenario) -> Iterator[TimelineItem]:
    """Price ticks and events merged by time, prices first at equal times."""
    # heapq.merge breaks ties by the order of its inputs: prices are passed first.
    return heapq.merge(scenario.prices, scenario.events, key=_time)
