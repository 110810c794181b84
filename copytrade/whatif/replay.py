"""Replaying a provider's recorded history on a scratch platform (docs/whatif.md,
"How it runs").

The platform is the one every entry point builds (``build_platform``) on a new
SQLite file: the paper venue, the copy engine, the SQL ledger, the settlement.
The what-if's follower follows the provider there with the asked allocation and
settings; then, in time order, each recorded moment's prices reach the engine
(``CopyEngine.on_prices``: the max-loss sweep runs), each recorded fill
announcement reaches the fan-out as it did live (sizing, gate, execution,
booking, the max-loss stop), each recorded funding time of its symbols is paid
(``CopyEngine.on_funding``), and each recorded periodic settlement of the
provider's followers settles the relationship for the same period. Nothing of
the live database is written: it was read once, before.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from copytrade.adapters.db.repositories.price_marks import Moment
from copytrade.adapters.db.repositories.recorded import FundingTime, SettlementRun
from copytrade.adapters.db.schema import Base
from copytrade.bootstrap import build_platform
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.instruments import Instrument
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.engine.messages import PROVIDER_FILLED, ProviderFilled
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.platform import Platform
from copytrade.simulation.runner import scratch_database
from copytrade.whatif.depth import ReplaySeed
from copytrade.whatif.history import ProviderRecord
from copytrade.whatif.request import WhatIfRequest

# The what-if's own follower and relationship on the scratch platform.
FOLLOWER = "whatif-follower"
RELATIONSHIP = "whatif"

_ONE_DAY = timedelta(days=1)
# At one time: prices first (as everywhere, docs/scenarios.md), then funding (paid at the
# mark just applied), then fills, then settlements.
_PRICES, _FUNDING, _FILL, _SETTLE = 0, 1, 2, 3
Item = Moment | FundingTime | ProviderFilled | SettlementRun


@dataclass(frozen=True, slots=True)
class Replayed:
    """The scratch platform after the replay, and the seconds each stage took
    (``setup``: schema and platform; then prices, fills, settlements, day closes)."""

    platform: Platform
    seconds: dict[str, float]


@contextmanager
def scratch_platform(
    request: WhatIfRequest,
    history: ProviderRecord,
    instruments: Iterable[Instrument],
    platform_fee_pct: Decimal,
    fees: FeeSettings,
) -> Iterator[Replayed]:
    """The scratch platform with the replay done; its books are read before it is dropped."""
    started = time.perf_counter()
    with scratch_database("copytrade-whatif-") as db:
        # The models are the migrated schema (tests/integration/test_migrations.py), and
        # creating them is a quarter of the time of running every migration.
        Base.metadata.create_all(db)
        clock = SimulatedClock(request.start)
        seed = None
        if history.depth is not None:
            seed = ReplaySeed(history.depth, history.fills, RELATIONSHIP, request.in_place_of)
        platform = build_platform(
            db, instruments, clock, platform_fee_pct, fees=fees, record_prices=False,
            only_writer=True, venue_seed=seed,
        )
        replay = Replay(platform, clock, request, history)
        replay.seconds["setup"] = time.perf_counter() - started
        replay.run()
        yield Replayed(platform, dict(replay.seconds))


def timeline(history: ProviderRecord) -> list[Item]:
    """The record in time order; at one time prices, then fills, then settlement runs,
    each kind in its recorded order."""
    keyed: list[tuple[datetime, int, int, Item]] = []
    keyed.extend((m[0], _PRICES, i, m) for i, m in enumerate(history.moments))
    keyed.extend((e.fill.ts, _FILL, i, e) for i, e in enumerate(history.fills))
    keyed.extend((s.at, _SETTLE, i, s) for i, s in enumerate(history.settlements))
    keyed.extend((f.at, _FUNDING, i, f) for i, f in enumerate(history.funding))
    keyed.sort(key=lambda k: (k[0], k[1], k[2]))
    return [item for *_, item in keyed]


class Replay:
    def __init__(
        self,
        platform: Platform,
        clock: SimulatedClock,
        request: WhatIfRequest,
        history: ProviderRecord,
    ) -> None:
        self._platform = platform
        self._engine = platform.engine
        self._clock = clock
        self._request = request
        self._history = history
        self._day: date = clock.now().date()
        self.seconds: dict[str, float] = defaultdict(float)

    def run(self) -> None:
        self._open()
        for item in timeline(self._history):
            self._apply(item)
        if self._request.until is not None:
            self._move_to(self._request.until)  # the curve runs to the end asked for
        self._engine.close_day(self._day)

    def _open(self) -> None:
        request, history = self._request, self._history
        accounts = self._platform.accounts
        provider = AccountId(request.provider)
        accounts.register(provider, history.name)
        accounts.make_provider(history.terms)
        follower = AccountId(FOLLOWER)
        accounts.register(follower, "what if")
        accounts.deposit(follower, request.allocation, key=f"deposit:{FOLLOWER}")
        if history.opening_prices:
            self._engine.on_prices(history.opening_prices, request.start)
        self._platform.actions.follow(
            RelationshipId(RELATIONSHIP),
            FollowerId(FOLLOWER),
            ProviderId(request.provider),
            request.allocation,
            request.settings,
        )
        self._engine.pump()

    def _apply(self, item: Item) -> None:
        started, closing = time.perf_counter(), self.seconds["day_closes"]
        stage = self._play(item)
        # The day closes it crossed are counted apart.
        closed = self.seconds["day_closes"] - closing
        self.seconds[stage] += time.perf_counter() - started - closed

    def _play(self, item: Item) -> str:
        engine = self._engine
        if isinstance(item, ProviderFilled):
            self._move_to(item.fill.ts)
            symbol = item.fill.symbol
            if symbol not in engine.prices.snapshot():
                # No price recorded for it yet (history from before prices were kept):
                # the provider's own fill price is the market's (docs/whatif.md).
                engine.on_prices({symbol: item.fill.price}, item.fill.ts)
            engine.bus.publish(PROVIDER_FILLED, item.message_id, item.to_payload())
            stage = "fills"
        elif isinstance(item, FundingTime):
            self._move_to(item.at)
            engine.on_funding(item.symbol, item.rate, item.at)
            stage = "funding"
        elif isinstance(item, SettlementRun):
            self._move_to(item.at)
            self._platform.settlements.settle_all(item.period)
            stage = "settlements"
        else:
            ts, prices = item
            self._move_to(ts)
            engine.on_prices(prices, ts)
            return "prices"
        engine.pump()
        return stage

    def _move_to(self, at: datetime) -> None:
        """Close every UTC day the clock leaves (the daily equity curve), then move it."""
        while at.date() > self._day:
            started = time.perf_counter()
            self._engine.close_day(self._day)
            self.seconds["day_closes"] += time.perf_counter() - started
            self._day += _ONE_DAY
        self._clock.set(at)
