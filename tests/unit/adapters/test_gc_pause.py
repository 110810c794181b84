"""``frozen_heap``: what is alive on entry is frozen for the block, and given back after."""

from __future__ import annotations

import gc

from copytrade.adapters.gc_pause import frozen_heap


def test_the_heap_is_frozen_inside_and_given_back_by_the_outermost_block() -> None:
    gc.unfreeze()
    alive = [object() for _ in range(10)]
    with frozen_heap():
        frozen = gc.get_freeze_count()
        assert frozen >= len(alive)
        with frozen_heap():  # a nested block leaves the freeze to the outer one
            pass
        assert gc.get_freeze_count() >= frozen
    assert gc.get_freeze_count() == 0


def test_cycles_made_inside_the_block_are_still_collected() -> None:
    with frozen_heap():
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    assert gc.get_freeze_count() == 0
