"""The cluster fault tests' scenario, processes and outcome (docs/deploy.md, "Fault tests").

One provider and M proportional followers (the fan-out bench's population), F
provider market orders alternating buy and sell, each filled once, fanned out
over SHARDS shards. Scale: CT_CLUSTER_FILLS × CT_CLUSTER_FOLLOWERS (default
20 × 100, under a minute on a loaded 2-core machine; the issue's full scale is 1000 × 1000).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from copytrade.adapters.bus.jetstream import JetStreamBus, StreamSpec
from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.bench.driver import PROVIDER_QTY, FillDriver
from copytrade.bench.population import Population, populate
from copytrade.config import Settings
from copytrade.domain.instruments import Side
from copytrade.engine.bus import MessageBus
from copytrade.engine.shards import all_shards

ROOT = Path(__file__).resolve().parents[3]
SHARDS = 4
FILLS = int(os.environ.get("CT_CLUSTER_FILLS", "20"))
FOLLOWERS = int(os.environ.get("CT_CLUSTER_FOLLOWERS", "100"))
ACK_WAIT_S = 1.0
# How long the workers may take to catch up: at least 100 copies a second.
FANOUT_TIMEOUT_S = max(120.0, FILLS * FOLLOWERS / 100)


def sides(fills: int) -> list[Side]:
    return [Side.BUY if index % 2 == 0 else Side.SELL for index in range(fills)]


@dataclass(frozen=True)
class Cluster:
    """One test's database schema and JetStream stream, both its own."""

    url: str
    nats_url: str
    stream: str

    def settings_env(self, application_name: str | None = None) -> dict[str, str]:
        """A cluster process's environment; its database connections named
        ``application_name`` (``pg_stat_activity``) when given."""
        url = self.url
        if application_name is not None:
            url += ("&" if "?" in url else "?") + f"application_name={application_name}"
        return {
            **os.environ,
            "COPYTRADE_DATABASE_URL": url,
            "COPYTRADE_NATS_URL": self.nats_url,
            "COPYTRADE_NATS_STREAM": self.stream,
            "COPYTRADE_NATS_ACK_WAIT_SECONDS": str(ACK_WAIT_S),
        }

    def bus(self) -> JetStreamBus:
        spec = StreamSpec(
            name=self.stream, prefix=self.stream.lower(), max_age_s=3600,
            duplicate_window_s=600,
        )
        return JetStreamBus(self.nats_url, spec).connect()

    def engine(self) -> Engine:
        return make_engine(Settings(database_url=self.url))


@contextmanager
def cluster(schema_url: str, nats_url: str) -> Iterator[Cluster]:
    """A migrated schema (given) and a fresh stream, deleted afterwards."""
    made = Cluster(schema_url, nats_url, f"CT_{uuid.uuid4().hex[:10].upper()}")
    engine = made.engine()
    upgrade_database(engine)
    engine.dispose()
    bus = made.bus()
    try:
        yield made
    finally:
        bus.delete_stream()
        bus.close()


def populated(engine: Engine, fanout_bus: MessageBus | None = None) -> Population:
    return populate(engine, FOLLOWERS, fanout_bus=fanout_bus)


def drive(
    population: Population,
    fills: int,
    between: Callable[[int], None] = lambda _i: None,
    pump: bool = True,
) -> None:
    """Place the scenario's provider orders, pumping after each if ``pump`` (``retrying``);
    ``between(i)`` after fill i."""
    driver = FillDriver(population)
    for index, side in enumerate(sides(fills)):
        driver.fill(side, lambda: None, PROVIDER_QTY)
        if pump:
            retrying(population.platform.engine.pump)
        between(index)


def retrying(action: Callable[[], object], timeout_s: float = 60.0) -> None:
    """Run ``action`` until it succeeds, as the relay's loop does: a pump whose transaction
    loses a lock race to a worker's (a deadlock PostgreSQL breaks) runs again; raise after
    ``timeout_s``. (Booking the same copy fill at once no longer fails at all:
    ``FillRepository.add_new``, docs/deploy.md "API servers".)"""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            action()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stream_messages(made: Cluster) -> int:
    bus = made.bus()
    try:
        return int(bus._run(bus.js.stream_info(made.stream)).state.messages)
    finally:
        bus.close()


def child(made: Cluster, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``tests.integration.cluster.<module>`` in a process of its own, to its end."""
    return subprocess.run(
        [sys.executable, "-m", f"tests.integration.cluster.{module}", *args],
        cwd=ROOT, env=made.settings_env(), capture_output=True, text=True, timeout=120,
    )


class Worker:
    """A ``copytrade worker`` process of the test's cluster; its log in a file of its own
    (a pipe nobody reads would block it once full)."""

    def __init__(
        self,
        made: Cluster,
        take: int,
        log_level: str = "warning",
        name: str | None = None,
        args: Sequence[str] = (),
    ) -> None:
        self._made = made
        self._take = take
        self._args = list(args)  # more of the command line (``--health-port P``)
        self._log_level = log_level
        self.name = name  # its connections' application_name, when given
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - every life writes it; stop() closes it
        self.process = self._start()
        self.kills = 0
        self.restarts = 0

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "copytrade.cli.worker", "worker", "--shards", str(SHARDS),
             "--take", str(self._take), "--log-level", self._log_level, *self._args],
            cwd=ROOT, env=self._made.settings_env(self.name),
            stdout=subprocess.DEVNULL, stderr=self._log,
        )

    def restart_if_exited(self) -> bool:
        """Start it again if it has exited (as a supervisor would); whether it had."""
        if self.process.poll() is None:
            return False
        self.restarts += 1
        self.process = self._start()
        return True

    def kill_and_restart(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1
        self.process = self._start()

    def stop(self) -> str:
        """Stop it (SIGTERM, then SIGKILL after 30 s); the tail of its log, every life's."""
        if self._log.closed:
            return ""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.seek(0)
        text_ = self._log.read().decode(errors="replace")
        self._log.close()
        return text_[-int(os.environ.get("CT_LOG_TAIL", "4000")):]


class FaultRun:
    """A fault test's run on a cluster: the scenario's population (its fan-out on the
    cluster's bus), then the workers ``workers()`` starts, which fan the fills out."""

    def __init__(self, made: Cluster, workers: Callable[[], list[Worker]]) -> None:
        self.engine = made.engine()
        self._bus = made.bus()
        self._population = populated(self.engine, fanout_bus=self._bus)
        self.workers = workers()

    def fan_out(
        self,
        fills: int,
        between: Callable[[int], None],
        tick: Callable[[], None] = lambda: None,
    ) -> tuple[dict[str, Any], list[str]]:
        """Drive ``fills`` provider fills, ``between(i)`` after fill i, until the workers
        fanned them all out (``tick()`` on each look); then stop the workers: the outcome,
        and the workers' logs (printed instead when it fails)."""
        try:
            drive(self._population, fills, between)
            wait_fanned_out(self.engine, fills, tick=tick)
        except BaseException:  # the workers' logs, then the failure
            print("\n".join(w.stop() for w in self.workers))
            raise
        finally:
            logs = [w.stop() for w in self.workers]
            self._bus.close()
        got = outcome(self.engine)
        self.engine.dispose()
        return got, logs


def progress(engine: Engine) -> tuple[int, int]:
    """(shard fills processed, copy orders waiting for the venue's answer)."""
    names = [shard.consumer for shard in all_shards(SHARDS)]
    with engine.connect() as conn:
        done = conn.execute(
            text("SELECT count(*) FROM processed_messages WHERE consumer = ANY(:names)"),
            {"names": names},
        ).scalar_one()
        waiting = conn.execute(
            text("SELECT count(*) FROM orders WHERE relationship_id IS NOT NULL "
                 "AND status = 'new'")
        ).scalar_one()
    return int(done), int(waiting)


def wait_busy(
    engine: Engine,
    published: int,
    beyond: int,
    timeout_s: float = 60.0,
    tick: Callable[[], None] = lambda: None,
) -> int:
    """Until the workers processed more than ``beyond`` shard fills (they are at work), or
    all of the ``published`` fills (caught up); the count. ``tick()`` on each look."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        tick()
        done, _waiting = progress(engine)
        if done > beyond or done >= published * SHARDS:
            return done
        time.sleep(0.05)
    raise AssertionError(f"no worker processed anything in {timeout_s} s")


def wait_fanned_out(
    engine: Engine,
    fills: int,
    timeout_s: float = FANOUT_TIMEOUT_S,
    tick: Callable[[], None] = lambda: None,
) -> None:
    """Until every shard processed every fill and no copy order waits for an answer;
    ``tick()`` on each look."""
    deadline = time.monotonic() + timeout_s
    while True:
        tick()
        done, waiting = progress(engine)
        if done == fills * SHARDS and waiting == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"after {timeout_s} s: {done} of {fills * SHARDS} shard fills processed, "
                f"{waiting} copy orders unanswered"
            )
        time.sleep(0.2)


def outcome(engine: Engine) -> dict[str, Any]:
    """What the scenario booked, free of ids and times that differ between runs."""
    queries = {
        "decisions": "SELECT provider_fill_id, relationship_id, leg, action, reason, qty, "
        "notional, price, client_order_id FROM copy_decisions",
        "orders": "SELECT client_order_id, book, relationship_id, copy_of, side, type, qty, "
        "status, filled_qty, avg_fill_price, fees FROM orders",
        "fills": "SELECT fill_id, book, side, qty, price, fee FROM fills",
        "positions": "SELECT book, symbol, qty, entry_cost, realized_pnl, fees_paid "
        "FROM positions",
        "balances": "SELECT account, balance FROM ledger_balances",
    }
    with engine.connect() as conn:
        return {
            name: sorted(tuple(map(str, row)) for row in conn.execute(text(sql)))
            for name, sql in queries.items()
        }


def single_process(url: str) -> dict[str, Any]:
    """The same scenario in one process, on the in-process bus: what a cluster run must equal."""
    engine = make_engine(Settings(database_url=url))
    upgrade_database(engine)
    drive(populated(engine), FILLS)
    try:
        return outcome(engine)
    finally:
        engine.dispose()


def assert_each_pair_once(got: dict[str, Any], fills: int, followers: int = FOLLOWERS) -> None:
    """One decision per (provider fill, relationship), at most one copy order, and a
    ledger summing to zero."""
    per_pair = Counter((d[0], d[1]) for d in got["decisions"])
    assert len(per_pair) == fills * followers
    assert set(per_pair.values()) == {1}
    copies = Counter((o[3], o[2]) for o in got["orders"] if o[2] != "None")
    assert copies and max(copies.values()) == 1
    assert sum(Decimal(b[1]) for b in got["balances"]) == 0
