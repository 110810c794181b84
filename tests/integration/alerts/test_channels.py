"""Alert notifications through real channels on 127.0.0.1, on SQLite and PostgreSQL
(docs/alerts.md, "Channels"): e-mail to a local SMTP server, a signed webhook, a
Telegram Bot API stand-in, retries with back-off, and a channel marked unhealthy."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from copytrade.adapters.db.schema import AlertChannelRow, AlertDeliveryRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.notifications.senders import ChannelSender
from copytrade.adapters.secrets import SecretBox, SecretsError
from copytrade.bootstrap import build_platform
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.alerts.channels import (
    CHANNEL_UNHEALTHY,
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    UNHEALTHY_AFTER,
    signature_matches,
)
from copytrade.domain.alerts.errors import ChannelTestError, InvalidAlertError
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.alerts.channels import AlertChannels, ChannelPorts, channel_json
from copytrade.service_layer.alerts.delivery import AlertDelivery
from copytrade.service_layer.events import Cursor, EventFeed
from copytrade.service_layer.exchange_accounts import rotate_master_key
from tests.integration.alerts.receivers import http_receiver, smtp_server

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BOX = SecretBox(os.urandom(32))
TOKEN = "123456:bot-token-secret"


@pytest.fixture
def uow_factory(db_engine: Engine) -> Iterator[Callable[[], SqlUnitOfWork]]:
    factory = sessionmaker(db_engine, expire_on_commit=False)

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    with make() as uow:
        uow.instruments.save(DEMO_INSTRUMENTS)
        uow.accounts.add("alice", "Alice", NOW)
        uow.accounts.add("bob", "Bob", NOW)
        uow.commit()
    yield make


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(NOW)


def _wiring(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock, telegram: str = ""
) -> tuple[AlertChannels, AlertDelivery]:
    sender = ChannelSender(telegram or "http://127.0.0.1:9", timeout=5)
    ports = ChannelPorts(uow_factory, lambda: BOX, sender, clock.now)
    return AlertChannels(ports), AlertDelivery(ports, clock)


def _fire(uow_factory: Callable[[], SqlUnitOfWork], n: int = 1, to: str = "alice") -> list[str]:
    """``n`` alert.fired messages as the recorder writes them; their message ids."""
    ids = [f"alert:alert_{i:016x}:2026-03-02T12:0{i}:00+00:00" for i in range(n)]
    with uow_factory() as uow:
        for i, message_id in enumerate(ids):
            uow.outbox.add(ALERT_FIRED, message_id, _payload(to, i), NOW)
        uow.commit()
    return ids


def _payload(to: str, i: int) -> dict[str, Any]:
    return {
        "to": to, "rule": f"alert_{i:016x}", "symbol": "BTC/USDT", "timeframe": "1m",
        "condition": "price crosses above 100", "fired_at": "2026-03-02T12:01:00+00:00",
        "candle_open": "2026-03-02T12:00:00+00:00", "values": {"price": "101.5"},
        "before": {"price": "100"},
    }


def test_email_goes_to_the_smtp_server_with_its_delivery_id(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock, db_engine: Engine
) -> None:
    channels, delivery = _wiring(uow_factory, clock)
    with smtp_server() as (port, mailbox):
        channel, generated = channels.add(
            "alice", "email", "alice@example.org", secret="smtp-pass",
            options={"smtp_host": "127.0.0.1", "smtp_port": str(port), "smtp_user": "alice",
                     "sender": "alerts@example.org"},
        )
        (message_id,) = _fire(uow_factory)
        assert delivery.run_once() == (1, 1, 0)
        assert delivery.run_once() == (0, 0, 0)  # sent once, not again
    assert generated is None
    (mail,) = mailbox.messages
    assert mail["To"] == "alice@example.org" and mail["From"] == "alerts@example.org"
    assert mail[DELIVERY_HEADER] == f"{message_id}/{channel.id}"
    text = mail.get_content()
    assert "price crosses above 100" in text and "price=101.5" in text
    assert mailbox.logins == [(b"alice", b"smtp-pass")]
    # The password is stored sealed, and shown nowhere.
    with db_engine.connect() as conn:
        sealed = conn.scalar(select(AlertChannelRow.sealed_secret))
    assert sealed is not None and b"smtp-pass" not in sealed
    assert "smtp-pass" not in repr(channel_json(channels.channels("alice")[0]))


def test_webhook_is_signed_and_carries_a_delivery_id(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock
) -> None:
    channels, delivery = _wiring(uow_factory, clock)
    with http_receiver(200) as receiver:
        channel, secret = channels.add("alice", "webhook", receiver.url + "/hook")
        channels.add("bob", "webhook", receiver.url + "/bob", secret="bobs-secret")
        (message_id,) = _fire(uow_factory)  # to alice only
        assert delivery.run_once() == (1, 1, 0)
    assert secret is not None and len(secret) >= 32
    (got,) = receiver.received
    assert got.path == "/hook"
    assert signature_matches(secret, got.body, got.headers[SIGNATURE_HEADER])
    assert not signature_matches("another secret", got.body, got.headers[SIGNATURE_HEADER])
    key = f"{message_id}/{channel.id}"
    assert got.headers[DELIVERY_HEADER] == key
    assert got.json()["delivery_id"] == key and got.json()["alert"]["symbol"] == "BTC/USDT"


def test_telegram_send_message_reaches_the_bot_api_stand_in(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock
) -> None:
    with http_receiver(200) as api:
        channels, delivery = _wiring(uow_factory, clock, telegram=api.url)
        channel, _ = channels.add("alice", "telegram", "-1001234", secret=TOKEN)
        _fire(uow_factory)
        assert delivery.run_once() == (1, 1, 0)
        channels.test(channel.id)
    first, test = api.received
    assert first.path == f"/bot{TOKEN}/sendMessage"
    assert first.json()["chat_id"] == "-1001234"
    assert "BTC/USDT 1m price crosses above 100" in first.json()["text"]
    assert "test message" in test.json()["text"]
    assert TOKEN not in repr(channel_json(channel))


def test_a_message_relayed_twice_is_one_delivery_retried_with_back_off(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock, db_engine: Engine
) -> None:
    channels, delivery = _wiring(uow_factory, clock)
    with http_receiver(500, 200) as receiver:
        channels.add("alice", "webhook", receiver.url, secret="s")
        (message_id,) = _fire(uow_factory)
        assert delivery.run_once() == (1, 0, 1)
        # The consumer sees the message again (a relay that crashed before marking it
        # delivered): no second delivery.
        delivery.queue.handle(message_id, _payload("alice", 0))
        clock.advance(timedelta(seconds=29))
        assert delivery.run_once() == (0, 0, 0)  # still waiting: 30 s after one failure
        clock.advance(timedelta(seconds=1))
        assert delivery.run_once() == (0, 1, 0)
    first, second = receiver.received
    assert first.headers[DELIVERY_HEADER] == second.headers[DELIVERY_HEADER]
    assert first.body == second.body
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AlertDeliveryRow)) == 1
    assert channels.channels()[0].failures == 0  # a success resets the count


def test_a_channel_failing_five_times_in_a_row_is_unhealthy_and_the_user_is_told(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock
) -> None:
    channels, delivery = _wiring(uow_factory, clock)
    with http_receiver(503) as receiver:
        channel, _ = channels.add("alice", "webhook", receiver.url, secret="s")
        _fire(uow_factory)
        for _ in range(UNHEALTHY_AFTER):
            assert delivery.run_once()[2] == 1
            clock.advance(timedelta(hours=1))
        assert delivery.run_once() == (0, 0, 0)  # no more tries on an unhealthy channel
        assert len(receiver.received) == UNHEALTHY_AFTER
        (listed,) = channels.channels("alice")
        assert not listed.healthy and listed.failures == UNHEALTHY_AFTER
        events, _ = EventFeed(uow_factory).after("alice", Cursor(), settle_s=5.0)
        notice = [e for e in events if e.type == CHANNEL_UNHEALTHY]
        assert len(notice) == 1 and notice[0].data["channel"] == channel.id
        assert "HTTP 503" in notice[0].data["error"]
        with pytest.raises(ChannelTestError, match="HTTP 503"):
            channels.test(channel.id)
        receiver.statuses[:] = [200]
        channels.test(channel.id)  # the receiver is back: healthy again
        assert channels.channels("alice")[0].healthy
        assert delivery.run_once() == (0, 1, 0)  # and the waiting alert goes out


def test_bad_channels_are_refused_and_change_nothing(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock
) -> None:
    channels, _ = _wiring(uow_factory, clock)
    for args, message in [
        (("alice", "sms", "+100"), "unknown channel kind 'sms'"),
        (("alice", "email", "not-an-address"), "needs an address"),
        (("alice", "webhook", "ftp://x"), "http"),
        (("alice", "telegram", "-100"), "bot token"),
        (("nobody", "webhook", "http://127.0.0.1/x"), "no account 'nobody'"),
    ]:
        with pytest.raises(InvalidAlertError, match=message):
            channels.add(*args)
    assert channels.channels() == []


def test_the_copy_engine_relaying_alert_fired_queues_the_deliveries_too(
    db_engine: Engine, clock: SimulatedClock
) -> None:
    platform = build_platform(db_engine, DEMO_INSTRUMENTS, clock)
    factory = sessionmaker(db_engine, expire_on_commit=False)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    with uow_factory() as uow:
        uow.accounts.add("alice", "Alice", NOW)
        uow.commit()
    channels, delivery = _wiring(uow_factory, clock)
    with http_receiver(200) as receiver:
        channels.add("alice", "webhook", receiver.url, secret="s")
        _fire(uow_factory)
        # The engine's relay takes every topic: the message is delivered to the queue there.
        assert platform.engine.relay.relay_all() == 1
        assert delivery.run_once() == (0, 1, 0)
    assert len(receiver.received) == 1


def test_rotating_the_master_key_reseals_channel_secrets(
    uow_factory: Callable[[], SqlUnitOfWork], clock: SimulatedClock, db_engine: Engine
) -> None:
    channels, _ = _wiring(uow_factory, clock)
    new = SecretBox(os.urandom(32))
    with http_receiver(200) as receiver:
        channel, secret = channels.add("alice", "webhook", receiver.url)
        assert rotate_master_key(sessionmaker(db_engine), BOX, new) == (0, 1)
        stale = AlertChannels(ChannelPorts(uow_factory, lambda: BOX, ChannelSender(), clock.now))
        with pytest.raises(SecretsError, match="does not open"):
            stale.test(channel.id)
        AlertChannels(ChannelPorts(uow_factory, lambda: new, ChannelSender(), clock.now)).test(
            channel.id
        )
    assert secret is not None
    (got,) = receiver.received
    assert signature_matches(secret, got.body, got.headers[SIGNATURE_HEADER])
