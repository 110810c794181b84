"""What a replay's paper venue is told before each order (docs/whatif.md, "A shared,
depleting book"): where the order's walk of a modelled book starts, given what the
recorded run's other orders had taken of that price moment before it, or that it fills
as a share of a recorded block at the block's one price. The live venue has none."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from copytrade.adapters.venues.paper.matching import WorkingSet
from copytrade.adapters.venues.port import OrderRequest, VenueOrder


class TakenSeed(Protocol):
    def before(self, work: WorkingSet, request: OrderRequest, now: datetime) -> Decimal | None:
        """Set ``work.taken`` of the order's symbol and side to where its walk starts;
        a price: the order fills instead as a block's share at that price."""

    def after(self, request: OrderRequest, answer: VenueOrder) -> None:
        """The venue's answer to the order ``before`` was told of."""
