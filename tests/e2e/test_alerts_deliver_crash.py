"""``copytrade alerts deliver --watch`` as a real process, SIGKILLed while a webhook
receiver holds its request (docs/alerts.md, "Channels"): after a restart the delivery is
sent again with the same delivery id, so a receiver deduplicating by it handles every
alert exactly once, and nothing already answered is sent again."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.schema import AlertDeliveryRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.notifications.senders import ChannelSender
from copytrade.adapters.secrets import SecretBox
from copytrade.config import Settings
from copytrade.domain.alerts.channels import DELIVERY_HEADER
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.service_layer.alerts.channels import AlertChannels, ChannelPorts
from tests.integration.alerts.receivers import http_receiver

NOW = datetime(2026, 1, 1, tzinfo=UTC)
EXE = f"{sys.prefix}/bin/copytrade"


def _deliver(db: Path, key: bytes) -> subprocess.Popen[str]:
    env = {**os.environ, "COPYTRADE_SECRET_KEY": base64.b64encode(key).decode()}
    return subprocess.Popen(
        [EXE, "alerts", "deliver", "--watch", "--interval", "0.2", "--database", str(db)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_sender_killed_mid_delivery_resends_it_with_the_same_id(tmp_path: Path) -> None:
    db = tmp_path / "alerts.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    upgrade_database(engine)
    factory = sessionmaker(engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    with uow() as u:
        u.accounts.add("alice", "Alice", NOW)
        u.commit()
    key = os.urandom(32)
    box = SecretBox(key)
    channels = AlertChannels(ChannelPorts(uow, lambda: box, ChannelSender(), lambda: NOW))
    with http_receiver(200) as receiver:
        channel, _ = channels.add("alice", "webhook", receiver.url, secret="s")
        with uow() as u:
            for n in (1, 2):
                u.outbox.add(ALERT_FIRED, f"alert:r{n}:t", {"to": "alice", "rule": f"r{n}"}, NOW)
            u.commit()
        receiver.hold.set()
        first = _deliver(db, key)
        assert receiver.arrived.wait(60), "the sender never called"
        first.send_signal(signal.SIGKILL)  # the channel took it; the sender never heard
        assert first.wait() == -signal.SIGKILL
        receiver.hold.clear()
        second = _deliver(db, key)
        try:
            _wait_for(lambda: len(receiver.received) >= 3)
            time.sleep(1)  # a few more passes: nothing else may be sent
        finally:
            second.send_signal(signal.SIGKILL)
            second.wait()
    ids = [r.headers[DELIVERY_HEADER] for r in receiver.received]
    one, two = f"alert:r1:t/{channel.id}", f"alert:r2:t/{channel.id}"
    assert ids == [one, one, two]  # r1 again after the kill, same id; r2 once
    assert receiver.received[0].body == receiver.received[1].body
    with engine.connect() as conn:
        rows = conn.execute(select(AlertDeliveryRow.id, AlertDeliveryRow.status)).all()
    assert sorted(rows) == [(one, "sent"), (two, "sent")]
    engine.dispose()
