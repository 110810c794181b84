"""A paper venue on each backend (through ``db_engine``), with a clock the test controls."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.paper import PaperVenue
from tests.unit.venues.instruments import INSTRUMENTS, T0


class StepClock:
    """Each reading is one second after the previous one: orders get distinct times."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def venue(db_engine: Engine, clock: StepClock) -> PaperVenue:
    return PaperVenue(db_engine, INSTRUMENTS, clock)
