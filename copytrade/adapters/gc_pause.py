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
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks open, in every thread: only the outermost one unfreezes


@contextmanager
def frozen_heap() -> Iterator[None]:
    global _depth
    with _lock:
        _depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()
