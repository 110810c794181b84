"""Two real ``copytrade serve`` processes on one PostgreSQL database and one Redis behave
as one server (docs/deploy.md, "API servers").

Server A runs the synthetic market, server B does not (it reads A's prices from the
venue); both take requests for the same users at once. Sessions, rate limits, the
event stream and the periodic jobs are shared; the last test SIGKILLs the server
running a job mid-way and the other finishes it, as if run once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine
from copytrade.cli.app import app
from copytrade.config import Settings
from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION
from tests.e2e.serving import free_port, stop

from ..api.sse import parse_sse

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"
ORDER_LIMIT = 8  # orders per user per minute, across both servers
BTC = "BTC/USDT:USDT"
SLOW_S = 30  # a request's timeout: argon2 hashes take their time on a busy machine
# The cluster-wide jobs of server/scheduler.py and their intervals.
JOB_INTERVALS_S = {
    "risk-alerts": 5, "recovery": 10, "day-close": 30, "stats-refresh": 30,
    "settlement": 60, "subscriptions": 60, "reconcile": 300,
}


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Cluster:
    a: Server
    b: Server
    db: Engine
    url: str
    started: float

    @property
    def servers(self) -> tuple[Server, Server]:
        return self.a, self.b


def _spawn(port: int, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    module = "tests.integration.cluster.serve_child"
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module, str(port), *extra],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )


def _answering(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"no HTTP answer: {log.read_text()}")


@pytest.fixture(scope="module")
def cluster(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(Settings(database_url=postgres_url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{postgres_url}?options=-csearch_path%3D{schema}"
    db = make_engine(Settings(database_url=url))
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE test_work (item INTEGER PRIMARY KEY, done_by INTEGER)"))
        conn.execute(text("CREATE TABLE test_steps (item INTEGER, pid INTEGER)"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYTRADE_")} | {
        "COPYTRADE_DATABASE_URL": url,
        "COPYTRADE_RATE_LIMIT_STORE": redis_url,
        "COPYTRADE_RATE_LIMIT_NAMESPACE": f"test-{schema}",
        "COPYTRADE_ORDER_RATE_LIMIT": str(ORDER_LIMIT),
        "COPYTRADE_ORDER_RATE_WINDOW_SECONDS": "60",
        "PYTHONPATH": str(ROOT),
    }
    folder = tmp_path_factory.mktemp("cluster")
    ports = free_port(), free_port()
    logs = folder / "a.log", folder / "b.log"
    started = time.monotonic()
    # Both migrate the new schema as they start: one at a time (adapters/db/migrate.py).
    processes = (_spawn(ports[0], env, logs[0]), _spawn(ports[1], env, logs[1], "--no-market"))
    servers = [
        Server(f"http://127.0.0.1:{port}", process, log)
        for port, process, log in zip(ports, processes, logs, strict=True)
    ]
    try:
        for s in servers:
            _answering(s.base, s.process, s.log)
        yield Cluster(servers[0], servers[1], db, url, started)
    finally:
        for s in servers:
            stop(s.process)
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sign_up(server: Server, name: str) -> dict[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": name, "jurisdiction": "DE"}
    reply = httpx.post(f"{server.base}/api/v1/auth/register", json=body, timeout=SLOW_S)
    assert reply.status_code == 202, reply.text
    return {"email": email}


def sign_in(server: Server, email: str) -> dict[str, str]:
    reply = httpx.post(f"{server.base}/api/v1/auth/login",
                       json={"email": email, "password": PASSWORD}, timeout=SLOW_S)
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['token']}"}


def user(server: Server, name: str, cash: str = "0") -> dict[str, str]:
    headers = sign_in(server, sign_up(server, name)["email"])
    if cash != "0":
        deposit(server, headers, cash)
    return headers


def deposit(server: Server, headers: dict[str, str], amount: str) -> httpx.Response:
    body = {"amount": amount, "idempotency_key": uuid.uuid4().hex}
    reply = httpx.post(f"{server.base}/api/v1/accounts/me/deposit", json=body,
                       headers=headers, timeout=SLOW_S)
    assert reply.status_code == 200, reply.text
    return reply


def order(server: Server, headers: dict[str, str], qty: str = "0.001") -> httpx.Response:
    body = {"symbol": BTC, "side": "buy", "qty": qty}
    return httpx.post(f"{server.base}/api/v1/orders", json=body, headers=headers, timeout=SLOW_S)


def wait_for(what: str, ready: Callable[[], bool], wait_s: float = 20) -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def priced(cluster: Cluster) -> None:
    """Wait until B sees the prices A's market writes to the venue."""
    def has_btc() -> bool:
        return BTC in httpx.get(f"{cluster.b.base}/api/v1/prices").json()
    wait_for("prices on B", has_btc)


def provider(cluster: Cluster, name: str) -> dict[str, str]:
    """A user with money who became a provider (who may place orders)."""
    headers = user(cluster.a, name, cash="100000")
    became = httpx.post(f"{cluster.b.base}/api/v1/providers/me", json={}, headers=headers,
                        timeout=SLOW_S)
    assert became.status_code == 201, became.text
    return headers


def test_a_session_made_on_one_server_works_on_the_other(cluster: Cluster) -> None:
    headers = user(cluster.a, "sam")
    assert httpx.get(f"{cluster.b.base}/api/v1/accounts/me", headers=headers).status_code == 200
    out = httpx.post(f"{cluster.b.base}/api/v1/auth/logout", headers=headers)
    assert out.status_code in (200, 204), out.text
    assert httpx.get(f"{cluster.a.base}/api/v1/accounts/me", headers=headers).status_code == 401


def test_the_order_rate_limit_is_counted_across_both_servers(cluster: Cluster) -> None:
    priced(cluster)
    headers = provider(cluster, "rita")
    answers = [order(s, headers).status_code for _ in range(5) for s in cluster.servers]
    # 5 orders on each server; the limit is on the pair: the last two are refused.
    assert answers == [201] * ORDER_LIMIT + [429] * (10 - ORDER_LIMIT), answers


def test_failed_sign_ins_are_throttled_across_both_servers(cluster: Cluster) -> None:
    email = sign_up(cluster.a, "tom")["email"]
    wrong = {"email": email, "password": "not the password at all"}
    codes = [httpx.post(f"{s.base}/api/v1/auth/login", json=wrong, timeout=SLOW_S).status_code
             for s in (*cluster.servers, *cluster.servers, cluster.a)]
    assert codes == [401] * 5  # 5 failures of one (address, client), split over both
    right = {"email": email, "password": PASSWORD}
    assert httpx.post(f"{cluster.b.base}/api/v1/auth/login", json=right,
                      timeout=SLOW_S).status_code == 429


def test_an_event_made_through_one_server_reaches_a_stream_on_the_other(
    cluster: Cluster,
) -> None:
    priced(cluster)
    headers = provider(cluster, "eve")
    seen: list[dict[str, Any]] = []

    def listen() -> None:
        params = {"timeout": "8"}
        with httpx.stream("GET", f"{cluster.b.base}/api/v1/events", params=params,
                          headers=headers, timeout=15) as stream:
            buffer = ""
            for chunk in stream.iter_text():
                buffer += chunk
                seen[:] = parse_sse(buffer)
                if any(e["event"] == "fill" for e in seen):
                    return

    with ThreadPoolExecutor(1) as pool:
        listening = pool.submit(listen)
        time.sleep(1.0)  # the stream is open on B before the order goes to A
        placed = order(cluster.a, headers)
        assert placed.status_code == 201, placed.text
        listening.result()
    fills = [e for e in seen if e["event"] == "fill"]
    assert fills and fills[0]["symbol"] == BTC and fills[0]["book"] == "own"


def test_concurrent_orders_follows_and_stops_on_both_servers_lose_no_update(
    cluster: Cluster,
) -> None:
    priced(cluster)
    a, b = cluster.servers
    with ThreadPoolExecutor(6) as pool:  # each sign-up hashes a password: in parallel
        leading = pool.submit(provider, cluster, "pia")
        made = [pool.submit(user, a if i % 2 else b, f"fay{i}", "1000") for i in range(4)]
        saving = pool.submit(user, a, "dan")
        leader, followers, saver = leading.result(), [f.result() for f in made], saving.result()
    provider_id = httpx.get(f"{a.base}/api/v1/auth/me", headers=leader).json()["id"]

    def follow_then_stop(i: int) -> str:
        here, there = (a, b) if i % 2 else (b, a)
        body = {"provider_id": provider_id, "allocation": "200", "risk_acknowledged": True,
                "disclosure_version": RISK_DISCLOSURE_VERSION}
        made = httpx.post(f"{here.base}/api/v1/relationships", json=body,
                          headers=followers[i], timeout=SLOW_S)
        assert made.status_code == 201, made.text
        rel = made.json()["relationship"]["id"]
        time.sleep(0.3)  # a provider order or two lands meanwhile
        stopped = httpx.post(f"{there.base}/api/v1/relationships/{rel}/stop",
                             headers=followers[i], timeout=SLOW_S)
        assert stopped.status_code == 200, stopped.text
        return str(rel)

    with ThreadPoolExecutor(8) as pool:
        orders = [pool.submit(order, s, leader) for _ in range(3) for s in (a, b)]
        follows = [pool.submit(follow_then_stop, i) for i in range(4)]
        deposits = [pool.submit(deposit, s, saver, "1") for _ in range(5) for s in (a, b)]
        answers = [f.result() for f in orders]
        rels = [f.result() for f in follows]
        for f in deposits:
            f.result()
    assert [r.status_code for r in answers] == [201] * 6, [r.text for r in answers]
    # Ten deposits of 1 through two servers at once: none lost.
    free = httpx.get(f"{b.base}/api/v1/accounts/me", headers=saver).json()["free_balance"]
    assert Decimal(free) == 10
    mine = httpx.get(f"{a.base}/api/v1/orders", headers=leader).json()["items"]
    assert len(mine) == 6 and {o["status"] for o in mine} == {"filled"}
    assert sum(Decimal(o["filled_qty"]) for o in mine) == Decimal("0.006")
    for i, rel in enumerate(rels):
        got = httpx.get(f"{a.base}/api/v1/relationships/{rel}", headers=followers[i]).json()
        assert got["relationship"]["status"] in ("stopped", "stopping"), got
    with cluster.db.connect() as conn:
        doubled = conn.execute(text(
            "SELECT count(*) FROM (SELECT provider_fill_id, relationship_id, leg "
            "FROM copy_decisions GROUP BY 1, 2, 3 HAVING count(*) > 1) d")).scalar()
    assert doubled == 0
    checked = CliRunner().invoke(app, ["reconcile", "--database", cluster.url, "--json"])
    assert checked.exit_code == 0, checked.output


def job_runs(cluster: Cluster) -> dict[str, int]:
    with cluster.db.connect() as conn:
        return dict(conn.execute(text("SELECT name, runs FROM scheduled_jobs")).all())


def test_each_periodic_job_runs_once_per_interval_across_both(cluster: Cluster) -> None:
    runs = job_runs(cluster)
    up_s = time.monotonic() - cluster.started
    # Once per interval since the servers started, between them: run by each server, a
    # job would have run at least twice (reconcile, every 5 minutes, exactly twice).
    for job, every_s in JOB_INTERVALS_S.items():
        assert 1 <= runs[job] <= up_s // every_s + 1, (job, runs, up_s)
    assert runs["reconcile"] == 1, runs
    with cluster.db.begin() as conn:
        conn.execute(text("INSERT INTO test_work (item) SELECT generate_series(1, 10)"))
    wait_for("the work done", lambda: _undone(cluster) == 0)
    with cluster.db.connect() as conn:
        steps = conn.execute(text("SELECT item, pid FROM test_steps")).all()
    assert sorted(item for item, _ in steps) == list(range(1, 11))
    assert len({pid for _, pid in steps}) == 1  # one run, by one server


def _undone(cluster: Cluster) -> int:
    with cluster.db.connect() as conn:
        return int(conn.execute(
            text("SELECT count(*) FROM test_work WHERE done_by IS NULL")).scalar_one())


def test_a_job_whose_server_is_killed_mid_way_is_finished_by_the_other(
    cluster: Cluster,
) -> None:
    with cluster.db.begin() as conn:
        conn.execute(text("DELETE FROM test_steps"))
        conn.execute(text("INSERT INTO test_work (item) SELECT generate_series(101, 140)"))

    def some_done() -> bool:
        return _undone(cluster) <= 35

    wait_for("the first steps", some_done)
    with cluster.db.connect() as conn:
        holder = conn.execute(text("SELECT DISTINCT pid FROM test_steps")).scalar_one()
    killed, survivor = sorted(cluster.servers, key=lambda s: s.process.pid != holder)
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.wait()
    wait_for("the other server to finish the work", lambda: _undone(cluster) == 0)
    with cluster.db.connect() as conn:
        steps = conn.execute(text("SELECT item, pid FROM test_steps ORDER BY item")).all()
    assert [item for item, _ in steps] == list(range(101, 141))  # each once
    pids = [pid for _, pid in steps]
    split = pids.index(survivor.process.pid)
    assert pids[:split] == [holder] * split and pids[split:] == [survivor.process.pid] * (
        40 - split
    )
    assert "resuming" in survivor.log.read_text()
    assert httpx.get(f"{survivor.base}/healthz").status_code == 200
