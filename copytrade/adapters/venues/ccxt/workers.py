"""Worker processes that send a batch's orders (docs/venues.md, "Order worker processes").

Building, signing, sending and parsing an order through ccxt costs the client about a
millisecond of CPU, under one interpreter lock: a fan-out of 1,000 copies is bound by
one core however many threads send it. The venue's accounts are therefore split into
groups, each served by its own worker process (its own interpreter), which keeps a
``CcxtVenue`` of its own: one ccxt client per key, made once, the markets the parent
loaded (sent once, at the worker's start), and the idempotency memory of the orders it
placed. A key always lands in the same group (a stable hash of the API key), so its
client, lock and rate limiter stay in one process.

A worker answers each order with its ``VenueOrder`` or the ``VenueError`` it met, which
the parent venue handles exactly as its threads' outcomes. A worker that dies answers
nothing: its orders are temporary errors, remembered as uncertain, so the retry looks
each up by its client order id before sending it again (exactly once); the worker is
started again and the others' orders stand.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.errors import TemporaryVenueError, VenueError
from copytrade.adapters.venues.port import OrderRequest, VenueOrder
from copytrade.domain.instruments import Instrument

if TYPE_CHECKING:
    from copytrade.adapters.venues.ccxt.venue import CcxtVenue

Outcome = VenueOrder | VenueError
# Smaller batches are sent by the venue's own threads: a worker's round trip (the
# requests and answers pickled through a pipe) is worth it only over many orders.
WORKER_MIN_BATCH = 16
# One order as sent to a worker: the request, its account's keys (accounts are added to
# the parent venue at any time) and whether it must be looked up before it is sent.
Job = tuple[OrderRequest, ApiCredentials, bool]


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker's venue is made from: the parent's settings and loaded markets."""

    exchange: str
    api_urls: Mapping[str, str]
    sandbox: bool
    timeout_ms: int
    threads: int
    markets: Mapping[str, Any]
    instruments: Mapping[str, Instrument]


_UNANSWERED = TemporaryVenueError("not answered")

# The worker process's own venue, made by ``_start`` when the process starts.
_venue: list[CcxtVenue] = []


def _start(setup: WorkerSetup) -> None:
    from copytrade.adapters.venues.ccxt.venue import CcxtVenue

    venue = CcxtVenue(
        setup.exchange, {}, api_urls=setup.api_urls, sandbox=setup.sandbox,
        timeout_ms=setup.timeout_ms, max_concurrency=setup.threads,
    )
    venue.adopt_markets(dict(setup.markets), dict(setup.instruments))
    _venue.append(venue)


def _add(venue: CcxtVenue, jobs: Sequence[tuple[str, ApiCredentials]]) -> None:
    for account, credentials in jobs:
        venue.add_account_once(account, credentials)


def _connect(accounts: Sequence[tuple[str, ApiCredentials]]) -> int:
    venue = _venue[0]
    _add(venue, accounts)
    venue.connect([account for account, _ in accounts])
    return len(accounts)


def _place(jobs: Sequence[Job]) -> list[Outcome]:
    venue = _venue[0]
    _add(venue, [(str(request.account), credentials) for request, credentials, _ in jobs])
    venue.mark_uncertain(
        (str(request.account), str(request.client_order_id))
        for request, _, uncertain in jobs if uncertain
    )
    return venue.place_outcomes([request for request, _, _ in jobs])


def _pid() -> int:
    return os.getpid()


def _cpu_s() -> float:
    return time.process_time()


def group_of(api_key: str, groups: int) -> int:
    """The worker serving ``api_key``: the same one for the life of the venue."""
    return zlib.crc32(api_key.encode()) % groups


class OrderWorkers:
    """``count`` worker processes, each serving its group of keys; started on first use."""

    def __init__(self, count: int, setup: Callable[[], WorkerSetup]) -> None:
        self._count = count
        self._setup = setup
        self._pools: list[ProcessPoolExecutor | None] = [None] * count

    def _pool(self, index: int) -> ProcessPoolExecutor:
        pool = self._pools[index]
        if pool is None:
            # spawn, not fork: the parent runs threads (the venue's, the server's) whose
            # locks a forked child would inherit held.
            pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start, initargs=(self._setup(),),
            )
            self._pools[index] = pool
        return pool

    def connect(self, accounts: Sequence[tuple[str, ApiCredentials]]) -> None:
        """Start the workers and make their accounts' clients now."""
        groups = self._split(accounts, lambda a: a[1].api_key)
        futures = [self._pool(i).submit(_connect, group) for i, group in groups.items()]
        for future in futures:
            future.result()

    def place(self, jobs: Sequence[Job]) -> tuple[list[Outcome], Exception | None]:
        """Each job's outcome, in order (a dead worker's are temporary errors), and what a
        worker raised that is not a venue error (a bug: the caller re-raises it once it
        has remembered the others' answers)."""
        groups = self._split(range(len(jobs)), lambda i: jobs[i][1].api_key)
        futures: dict[int, Future[list[Outcome]]] = {
            i: self._pool(i).submit(_place, [jobs[j] for j in members])
            for i, members in groups.items()
        }
        outcomes: list[Outcome] = [_UNANSWERED] * len(jobs)
        failure: Exception | None = None
        for index, future in futures.items():
            members = groups[index]
            try:
                answers = future.result()
            except BrokenProcessPool:
                self._restart(index)
                answers = [
                    TemporaryVenueError(
                        "the order worker stopped before answering: the order is looked "
                        "up by its client order id before it is sent again"
                    )
                ] * len(members)
            except Exception as error:  # a bug in the worker: re-raised by the caller
                answers = [TemporaryVenueError(f"the order worker failed: {error}")] * len(
                    members
                )
                failure = failure or error
            for j, answer in zip(members, answers, strict=True):
                outcomes[j] = answer
        return outcomes, failure

    def cpu_s(self) -> float:
        """The CPU seconds the running workers have used (their own process time)."""
        futures = [pool.submit(_cpu_s) for pool in self._pools if pool is not None]
        return sum(future.result() for future in futures)

    def pids(self) -> list[int]:
        """The running workers' process ids (to watch them)."""
        futures = [pool.submit(_pid) for pool in self._pools if pool is not None]
        return [future.result() for future in futures]

    def _split(self, items: Any, key: Callable[[Any], str]) -> dict[int, list[Any]]:
        groups: dict[int, list[Any]] = {}
        for item in items:
            groups.setdefault(group_of(key(item), self._count), []).append(item)
        return groups

    def _restart(self, index: int) -> None:
        pool, self._pools[index] = self._pools[index], None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for index in range(self._count):
            pool, self._pools[index] = self._pools[index], None
            if pool is not None:
                pool.shutdown(wait=True)
