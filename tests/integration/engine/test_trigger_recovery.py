"""A provider's trigger order recorded but never sent (the process SIGKILLed between
its intent and the venue call) is re-sent by recovery with its trigger, time in force
and post-only, as recorded (docs/engine.md "Crash recovery", docs/venues.md "Trigger
orders"); before migration 0039 it went out as a plain order and filled at once.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from copytrade.adapters.venues.order_terms import TimeInForce, TriggerKind, TriggerStatus
from copytrade.domain.orders import OrderStatus

from .crash_scenario import PROVIDER, PROVIDER_ORDER, PROVIDER_QTY, running, set_up
from .harness import PERP
from .trigger_crash_child import LIMIT, STOP_PRICE

ROOT = Path(__file__).resolve().parents[3]
SIGKILL_RETURNCODE = -9


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'trigger-crash.db'}"
    else:
        database_url = request.getfixturevalue("postgres_schema_url")
    set_up(database_url)
    return database_url


def test_recovery_re_sends_a_trigger_order_with_its_trigger(url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.trigger_crash_child", url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == SIGKILL_RETURNCODE, proc.stderr
    with running(url) as h:
        venue = h.platform.venue
        with h.platform.uow() as uow:
            recorded = uow.orders.get(str(PROVIDER_ORDER))
        assert recorded is not None and recorded.status == OrderStatus.NEW.value
        assert venue.get_order(str(PROVIDER), PROVIDER_ORDER) is None  # never sent
        assert (recorded.trigger_kind, recorded.trigger_price, recorded.time_in_force) == (
            "stop", STOP_PRICE, "ioc"
        )

        h.engine.recover()

        sent = venue.get_order(str(PROVIDER), PROVIDER_ORDER)
        assert sent is not None and sent.trigger is not None
        assert (sent.status, sent.trigger_status) == (OrderStatus.ACCEPTED, TriggerStatus.PENDING)
        assert (sent.trigger.kind, sent.trigger.price, sent.limit_price) == (
            TriggerKind.STOP, STOP_PRICE, LIMIT
        )
        assert sent.filled_qty == D(0)  # a plain limit at 51,500 would have filled at 50,000
        with h.platform.uow() as uow:
            after = uow.orders.get(str(PROVIDER_ORDER))
        assert after is not None and after.status == OrderStatus.ACCEPTED.value

        # The mark reaches the stop: the order fires and fills, IOC, at the mark.
        h.tick(PERP.symbol, "51000")
        h.engine.pump()
        fired = venue.get_order(str(PROVIDER), PROVIDER_ORDER)
        assert fired is not None and fired.trigger_status is TriggerStatus.TRIGGERED
        assert (fired.status, fired.filled_qty, fired.avg_fill_price) == (
            OrderStatus.FILLED, PROVIDER_QTY, D("51000")
        )
        assert TimeInForce(after.time_in_force) is TimeInForce.IOC
