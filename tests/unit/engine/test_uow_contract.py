"""The in-memory unit of work keeps the port's contract (uow_contract.py), as the SQL one
does (tests/integration/engine/test_uow_contract_sql.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from copytrade.adapters.memory.uow import MemoryStore

from ..domain.fills_factory import PERP
from .uow_contract import PROMISES, Factory


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.__name__)
def test_the_memory_unit_of_work_keeps_the_contract(
    promise: Callable[[Factory, Factory], None],
) -> None:
    store = MemoryStore({PERP.symbol: PERP})
    promise(store.unit_of_work, store.unit_of_work)
