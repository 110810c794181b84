"""The order a scenario is played in: one merged, deterministic stream.

Sorted by time; at one time every price comes before every action (the price
applies first), and all the prices of one time form one ``PricePoint`` that the
engine applies together before any check runs (docs/scenarios.md); then the price
files' funding (``Scenario.csv_funding``), then the file's events in file order.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from copytrade.marketdata.ticks import PriceTick
from copytrade.simulation.scenario.events import Event
from copytrade.simulation.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class PricePoint:
    """Every price of one moment, in file order (one per symbol: a later one wins)."""

    ts: datetime
    ticks: tuple[PriceTick, ...]


TimelineItem = PricePoint | Event


def _time(item: PriceTick | Event) -> datetime:
    return item.ts if isinstance(item, PriceTick) else item.at


def timeline(scenario: Scenario) -> Iterator[TimelineItem]:
    """Price points and events merged by time, prices first at equal times."""
    # heapq.merge breaks ties by the order of its inputs: prices are passed first.
    merged = heapq.merge(scenario.prices, scenario.csv_funding, scenario.events, key=_time)
    for (ts, is_price), items in itertools.groupby(
        merged, key=lambda item: (_time(item), isinstance(item, PriceTick))
    ):
        if is_price:
            yield PricePoint(ts, tuple(t for t in items if isinstance(t, PriceTick)))
        else:
            yield from (e for e in items if not isinstance(e, PriceTick))
