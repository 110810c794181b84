"""``copytrade serve`` sends alert notifications itself: a rule firing on the served
prices reaches a real webhook receiver on 127.0.0.1 through the server's own
``alert-delivery`` job (docs/alerts.md, "Channels"), without ``alerts deliver``."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from copytrade.config import Settings
from copytrade.domain.alerts.channels import DELIVERY_HEADER, SIGNATURE_HEADER, signature_matches
from copytrade.server.delivery import BackgroundPass
from copytrade.server.scheduler import Scheduler
from tests.integration.alerts.receivers import HttpReceiver, http_receiver

from ..engine.harness import SPOT
from .conftest import Api, started_api
from .test_alerts import new_rule, served
from .test_serve_jobs import again, serve_jobs

MASTER_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def telegram() -> Iterator[HttpReceiver]:
    """A local stand-in of the Telegram Bot API (the settings point the server at it)."""
    with http_receiver() as receiver:
        yield receiver


def keyed_settings(db_settings: Settings, telegram: HttpReceiver) -> Settings:
    return db_settings.model_copy(update={
        "secret_key": SecretStr(MASTER_KEY), "telegram_api_url": telegram.url,
    })


@pytest.fixture
def keyed_api(db_engine: Engine, db_settings: Settings, telegram: HttpReceiver) -> Iterator[Api]:
    """An API whose server has a master key for channel secrets."""
    yield from started_api(db_engine, keyed_settings(db_settings, telegram))


def by_hand(api: Api) -> Scheduler:
    """The server's jobs, the delivery job run only when the test says (``deliver``)."""
    scheduler = serve_jobs(api)
    job = next(j for j in scheduler.jobs if j.name == "alert-delivery")
    job.every = timedelta(days=1)
    return scheduler


def deliver(scheduler: Scheduler) -> BackgroundPass:
    """One pass of the server's delivery job, waited for (it runs in its own thread)."""
    job = again(scheduler, "alert-delivery")
    assert isinstance(job.run, BackgroundPass)
    job.run.wait()
    assert job.last_error is None
    return job.run


def test_serve_sends_a_firing_through_the_owners_webhook(keyed_api: Api) -> None:
    api = keyed_api
    ana = api.sign_up("ana")
    scheduler, market = by_hand(api), served(api)
    with http_receiver() as hook:
        channel, secret = api.runtime.alert_channels.add(ana["id"], "webhook", hook.url)
        assert secret is not None
        rule = new_rule(api, ana)
        again(scheduler, "alerts")
        for price in ("3000", "3200", "3300"):  # the 3200 candle crosses above 3100
            market.tick(SPOT.symbol, price)
            again(scheduler, "alerts")
        deliver(scheduler)
        deliver(scheduler)  # sent once: nothing more on the next pass
    (got,) = hook.received
    assert signature_matches(secret, got.body, got.headers[SIGNATURE_HEADER])
    body = got.json()
    assert body["alert"]["rule"] == rule["id"] and body["alert"]["values"]["price"] == "3200"
    assert got.headers[DELIVERY_HEADER] == body["delivery_id"]
    assert body["delivery_id"].endswith(f"/{channel.id}")
    health = {j["job"]: j for j in scheduler.health()}
    assert health["alert-delivery"]["runs"] >= 2 and health["alert-delivery"]["last_error"] is None


def test_a_slow_channel_does_not_hold_the_scheduler(keyed_api: Api) -> None:
    """While a webhook holds its answer, the server's other jobs run on."""
    api = keyed_api
    ana = api.sign_up("ana")
    scheduler, market = by_hand(api), served(api)
    with http_receiver() as hook:
        api.runtime.alert_channels.add(ana["id"], "webhook", hook.url)
        new_rule(api, ana, mode="every")
        again(scheduler, "alerts")
        for price in ("3000", "3200", "3000"):
            market.tick(SPOT.symbol, price)
            again(scheduler, "alerts")
        hook.hold.set()
        job = again(scheduler, "alert-delivery")
        assert isinstance(job.run, BackgroundPass)
        assert hook.arrived.wait(10)  # the webhook has it and does not answer yet
        for price in ("3300", "3000"):  # meanwhile the rule fires again, recorded
            market.tick(SPOT.symbol, price)
            again(scheduler, "alerts")
        assert job.run() is False  # still sending: no second pass at once
        hook.hold.clear()
        job.run.wait()
        deliver(scheduler)
    assert [r.json()["alert"]["values"]["price"] for r in hook.received] == ["3200", "3300"]


def test_a_failed_pass_is_shown_by_the_next_turn_which_runs_again() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("smtp down")

    background = BackgroundPass(work, "test-pass")
    assert background() is True
    background.wait()
    with pytest.raises(RuntimeError, match="smtp down"):
        background()  # the error of the first pass; the second has started all the same
    background.wait()
    assert background() is True and len(calls) >= 2
    background.wait()
    assert background.passes == 3
