"""``frozen_heap``: what is alive on entry is frozen for the block, and given back after."""

from __future__ import annotations

import gc

from copytrade.adapters.gc_pause import BATCH_THRESHOLD, frozen_heap


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


def test_the_collector_runs_less_often_inside_and_its_thresholds_come_back_after() -> None:
    before = gc.get_threshold()
    with frozen_heap():
        assert gc.get_threshold()[0] == max(BATCH_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        with frozen_heap():  # a nested block leaves the thresholds to the outer one
            pass
        assert gc.get_threshold()[0] == max(BATCH_THRESHOLD, before[0])
    assert gc.get_threshold() == before


def test_a_collector_switched_off_by_threshold_stays_off() -> None:
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with frozen_heap():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
