"""Recording the prices the engine applies (docs/whatif.md, "What is recorded"): the
market a what-if replays. One moment's rows are written in the unit of work of that
moment's max-loss sweep, which commits them (``CopyEngine.moment_recorders``): no
transaction of their own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork


def record_moment(uow: SqlUnitOfWork, points: Mapping[str, Decimal], ts: datetime) -> None:
    """One moment's prices, in the order applied."""
    uow.price_marks.add(points, ts)
