"""Recording the prices the engine applies, one moment per transaction (docs/whatif.md,
"What is recorded"): the market a what-if replays."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork


class PriceRecorder:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def record(self, points: Mapping[str, Decimal], ts: datetime) -> None:
        with self._uow_factory() as uow:
            uow.price_marks.add(points, ts)
            uow.commit()
