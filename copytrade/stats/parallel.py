"""A full refresh's computation spread over worker processes (one per core).

The refresh is CPU-bound Python (decoding rows, Decimal arithmetic), so on a
machine with two cores two forked workers each read and compute a share of
the providers while the parent writes what comes back. Workers only read;
every write stays in the parent, one short transaction per chunk, so nothing
changes about who holds SQLite's write lock. Fork (not spawn) is used so the
workers inherit the service already wired; ``after_fork`` must drop inherited
database connections (``Engine.dispose(close=False)``), which a child must
never share with its parent. Only for single-threaded callers: the CLI, the
benchmark and the refresher's own process (docs/statistics.md).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# The work a forked worker runs: set just before the pool forks, inherited by
# the workers, never read by the parent. A module attribute because a pool
# hands its workers arguments by pickling, and a wired service cannot be.
_work: Callable[[Sequence[str]], object] | None = None


def _run(part: Sequence[str]) -> object:
    assert _work is not None, "set before the workers were forked"
    return _work(part)


def map_in_workers(
    work: Callable[[Sequence[str]], T],
    parts: Iterable[Sequence[str]],
    workers: int,
    after_fork: Callable[[], None],
) -> Iterator[T]:
    """``work(part)`` for every part, in order, computed by ``workers`` forked processes."""
    global _work
    _work = work
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=after_fork) as pool:
            yield from pool.imap(_run, parts)
    finally:
        _work = None
