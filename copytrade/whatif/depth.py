"""A shared, depleting book in a what-if (docs/whatif.md, "A shared, depleting book").

On an instrument with a depth model the paper venue's book depletes within a price
moment (docs/venues.md "Depth"). The recorded run's taker fills say what every order
took, in the venue's stream order; the replay's venue is told, before each of the
what-if's orders, where its walk starts: what the recorded orders before it took of the
moment, plus what the what-if's own orders took. Before which recorded orders:

- **in place of a real relationship** (``WhatIfRequest.in_place_of``): its orders are
  left out of the record (the what-if places its own), and the what-if's k-th order of
  a moment and side that took depth walks where that relationship's k-th did, after
  everything the venue filled before it; past its last one, as below;
- **otherwise**: after every recorded order of the moment up to the what-if's order's
  time and, for a copy of a provider fill, up to the last real copy of that fill (the
  provider's order and its whole fan-out).

A copy of a provider fill that was a block (docs/engine.md "Block execution") fills
instead as a share of that block, at its one price (the provider's fill price).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.recorded import TakerFill
from copytrade.adapters.venues.paper.matching import WorkingSet
from copytrade.adapters.venues.port import OrderRequest, VenueOrder
from copytrade.domain.copying.plan import CopyLeg
from copytrade.domain.ids import ClientOrderId, RelationshipId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Liquidity
from copytrade.domain.values import ZERO
from copytrade.engine.messages import ProviderFilled

Key = tuple[str, Side]  # (symbol, side): one side of one book


@dataclass(frozen=True, slots=True)
class DepthRecord:
    """What the replay needs of the recorded books with a depth model: each one's
    price times (the start of each price moment, the one in force at the start
    included), the venue's taker fills of them, and the provider fills that were blocks."""

    price_times: Mapping[str, tuple[datetime, ...]]
    taker_fills: tuple[TakerFill, ...]
    block_fills: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Moment:
    """One side of one book in one price moment: the recorded fills of others, by seq;
    the first seq of each order of the relationship replayed, in order."""

    others: list[TakerFill] = field(default_factory=list)
    own_orders: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _State:
    moment: datetime
    seeded: Decimal = ZERO  # of the venue's taken count: the recorded orders' part
    took: int = 0  # the what-if's orders of the moment that took depth


class ReplaySeed:
    """The replay venue's ``TakenSeed`` (``adapters/venues/paper/seeding.py``)."""

    def __init__(
        self,
        record: DepthRecord,
        fills: Sequence[ProviderFilled],
        relationship: str,
        in_place_of: str | None = None,
    ) -> None:
        self._times = record.price_times
        self._moments: dict[tuple[Key, datetime], _Moment] = defaultdict(_Moment)
        self._fanouts: dict[str, int] = {}  # provider fill -> last seq of it and its copies
        self._collect(record.taker_fills, in_place_of)
        rel = RelationshipId(relationship)
        self._copies: dict[str, ProviderFilled] = {
            str(ClientOrderId.for_copy(event.fill.fill_id, rel, leg.value)): event
            for event in fills
            if event.fill.symbol in self._times
            for leg in CopyLeg
        }
        self._blocks = record.block_fills
        self._state: dict[Key, _State] = {}

    def _collect(self, fills: Iterable[TakerFill], in_place_of: str | None) -> None:
        seen: set[str] = set()
        by_order: dict[str, list[TakerFill]] = defaultdict(list)
        for fill in fills:
            start = self._moment_of(fill.symbol, fill.ts)
            if start is None:
                continue
            moment = self._moments[((fill.symbol, fill.side), start)]
            by_order[fill.order_id].append(fill)
            if fill.copy_of is not None:
                self._fanouts[fill.copy_of] = fill.seq
            if in_place_of is not None and fill.relationship == in_place_of:
                if fill.order_id not in seen:
                    seen.add(fill.order_id)
                    moment.own_orders.append(fill.seq)
            else:
                moment.others.append(fill)
        self._order_fills = by_order

    def _moment_of(self, symbol: str, at: datetime) -> datetime | None:
        times = self._times.get(symbol)
        if not times:
            return None
        i = bisect_right(times, at)
        return times[i - 1] if i else None

    # --- TakenSeed ---------------------------------------------------------

    def before(self, work: WorkingSet, request: OrderRequest, now: datetime) -> Decimal | None:
        key = (request.symbol, request.side)
        start = self._moment_of(request.symbol, now)
        if start is None:
            return None
        state = self._state.get(key)
        if state is None or state.moment != start:
            state = self._state[key] = _State(start)
        copied = self._copies.get(str(request.client_order_id))
        real = self._recorded_before(key, start, now, state.took, copied)
        own = max(work.taken.get(key, ZERO) - state.seeded, ZERO)
        work.taken[key] = real + own
        work.changed_taken.add(request.symbol)
        state.seeded = real
        if copied is None or copied.fill.side is not request.side:
            return None
        return copied.fill.price if str(copied.fill.fill_id) in self._blocks else None

    def after(self, request: OrderRequest, answer: VenueOrder) -> None:
        state = self._state.get((request.symbol, request.side))
        if state is not None and any(f.liquidity is Liquidity.TAKER for f in answer.fills):
            state.took += 1

    def _recorded_before(
        self,
        key: Key,
        start: datetime,
        now: datetime,
        took: int,
        copied: ProviderFilled | None,
    ) -> Decimal:
        moment = self._moments.get((key, start))
        if moment is None:
            return ZERO
        if took < len(moment.own_orders):
            before = moment.own_orders[took]
            return sum((f.qty for f in moment.others if f.seq < before), ZERO)
        last = max((f.seq for f in moment.others if f.ts <= now), default=0)
        if copied is not None:
            fill_id = str(copied.fill.fill_id)
            provider = self._order_fills.get(str(copied.fill.order_id), [])
            last = max([last, self._fanouts.get(fill_id, 0), *(f.seq for f in provider)])
        return sum((f.qty for f in moment.others if f.seq <= last), ZERO)
