"""Keep Python's cyclic garbage collector off a batch job's long-lived state.

A batch job (a settlement run, the copy engine's pump) allocates and drops hundreds of objects per
item. Every 700 allocations the collector runs, and every few of those runs it
rescans every object still alive: the run's to-do list of 100,000 pairs, the
ORM's caches, whatever the process holds. That rescanning cost about a fifth of
a settlement run. ``frozen_heap`` moves every object alive when it is entered
out of the collector's reach (``gc.freeze``) and hands them back when the
outermost block is left (``gc.unfreeze``). Garbage is still freed as usual:
reference counting frees the batches' acyclic objects at once, and the
collector still collects cycles among the objects made inside the block.

Freezing alone left the batch's own objects to the collector: a fan-out keeps some
twenty objects per copy alive until it commits, and with the heap frozen the oldest
generation counts as nearly empty, so the collector ran a full collection of the
batch so far every few thousand allocations (23 in three 10,000-follower fan-outs,
about a fifth of their time: docs/benchmarks.md, "The garbage collector in the
fan-out"). Inside the block the youngest generation's threshold is raised to
``BATCH_THRESHOLD`` allocations (the interpreter's default is 700), so the collector
runs about seventy times less often; what it finds is the same, later, and memory
held by cycles stays bounded by that many allocations. The thresholds in force
before are restored when the outermost block is left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks open, in every thread: only the outermost one unfreezes
_saved: tuple[int, ...] = ()  # the thresholds the outermost block restores
BATCH_THRESHOLD = 50_000


@contextmanager
def frozen_heap() -> Iterator[None]:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            # A threshold of 0 (collection off) stays off.
            gc.set_threshold(_saved[0] and max(BATCH_THRESHOLD, _saved[0]), *_saved[1:])
        _depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()
                gc.set_threshold(*_saved)
