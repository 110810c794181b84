"""Risk alerts fired from real copy flows: the copy engine on the paper venue, SQLite and
PostgreSQL (docs/alerts.md, "Risk alerts"). Every test runs the watcher twice: the
second pass records nothing."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import OutboxRow
from copytrade.adapters.notifications.senders import ChannelSender
from copytrade.adapters.secrets import SecretBox
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.domain.copying import SizingMode
from copytrade.domain.values import USDT
from copytrade.service_layer.alerts.channels import AlertChannels, ChannelPorts
from copytrade.service_layer.alerts.delivery import AlertDelivery
from copytrade.service_layer.alerts.risk import RiskAlerts
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher
from copytrade.service_layer.events import Cursor, EventFeed
from copytrade.service_layer.reconcile import reconcile
from tests.integration.alerts.receivers import http_receiver
from tests.integration.engine.harness import PERP, SPOT, Harness
from tests.integration.engine.settlement_support import gained_copier, monday, run_at


def _wired(h: Harness) -> tuple[RiskAlerts, RiskWatcher]:
    factory = h.engine.uow_factory
    return RiskAlerts(factory, h.clock.now), RiskWatcher(
        factory, h.engine.prices.snapshot, h.clock.now
    )


def _fired(h: Harness) -> list[dict[str, object]]:
    with h.platform.uow() as uow:
        return uow.risk_alerts.firings()[::-1]


def _notices(db: Engine) -> list[dict[str, object]]:
    with db.connect() as conn:
        rows = conn.execute(
            select(OutboxRow.message_id, OutboxRow.payload)
            .where(OutboxRow.topic == ALERT_FIRED)
            .order_by(OutboxRow.id)
        )
        return [{"id": r.message_id, **json.loads(r.payload)} for r in rows]


def test_a_skipped_copy_fires_once_with_its_reason_code(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "2000")
    pro = h.provider("pro", "10000")
    alice = h.follower("alice", "5000")
    rel = h.follow(alice, pro, "1000", whitelist=frozenset({PERP.symbol}))
    rules, watcher = _wired(h)
    rule = rules.add("alice", "copy_skipped")
    h.trade(pro, "buy", "1", symbol=SPOT.symbol)  # not in alice's list: skipped
    h.trade(pro, "buy", "0.04")  # copied: no alert
    assert watcher.run() == 1
    assert watcher.run() == 0
    (fired,) = _fired(h)
    assert fired["kind"] == "copy_skipped" and fired["rule"] == rule.id
    assert fired["values"]["reason"] == "symbol_not_allowed"  # type: ignore[index]
    assert fired["values"]["relationship"] == rel  # type: ignore[index]
    (notice,) = _notices(db_engine)
    assert notice["to"] == "alice" and notice["kind"] == "risk"
    assert notice["risk"] == "copy_skipped" and "symbol_not_allowed" in str(notice["condition"])
    assert notice["id"] == f"risk:{rule.id}:{fired['key']}"
    # In-app: the owner's event stream shows it as an alert firing.
    events, _ = EventFeed(h.engine.uow_factory).after("alice", Cursor(), settle_s=5.0)
    assert any(e.type == ALERT_FIRED and e.data.get("risk") == "copy_skipped" for e in events)


def test_near_and_at_the_max_loss_stop_each_fire_once(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", mode=SizingMode.MULTIPLIER,
                   multiplier=D(4), max_loss_pct=D(20))  # fmt: skip
    rules, watcher = _wired(h)
    rules.add("fol", "max_loss", level=D(80))
    h.trade(pro, "buy", "0.04")  # 0.016 BTC copied
    h.tick(PERP.symbol, "45000")  # 80 lost: 8 %, 40 % of the stop
    assert watcher.run() == 0
    h.tick(PERP.symbol, "40000")  # 160 lost (and fees): over 16 %, past 80 % of 20 %
    assert watcher.run() == 1
    h.tick(PERP.symbol, "39000")
    assert watcher.run() == 0  # still near: told once
    h.tick(PERP.symbol, "35000")  # 24 %: stopped by the engine
    assert watcher.run() == 1
    assert watcher.run() == 0
    near, stop = _fired(h)
    assert near["key"] == f"max_loss_near:{rel}" and stop["key"] == f"max_loss_stop:{rel}"
    assert D(str(near["values"]["drawdown_pct"])) >= D(16)  # type: ignore[index]


def test_a_settlement_is_told_to_the_follower_charged_and_the_provider_paid(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    rules, watcher = _wired(h)
    (rel,) = gained_copier(h, D(20))
    rules.add("fol0", "settlement")
    rules.add("pro", "settlement")
    run_at(h, monday(12))
    assert watcher.run() == 2
    assert watcher.run() == 0
    charged, earned = sorted(_fired(h), key=lambda f: str(f["owner"]))
    assert charged["owner"] == "fol0" and charged["values"]["side"] == "charged"  # type: ignore[index]
    assert earned["owner"] == "pro" and earned["values"]["side"] == "earned"  # type: ignore[index]
    assert D(str(charged["values"]["amount"])) > 0  # type: ignore[index]
    assert charged["values"]["relationship"] == rel  # type: ignore[index]


def test_a_provider_jumping_in_size_and_leverage_fires_for_its_follower(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "100000")
    h.follow(h.follower("fol", "5000"), pro, "1000")
    rules, watcher = _wired(h)
    rules.add("fol", "jump", level=D(3))
    for i in range(6):  # its history: 0.01 BTC at leverage 2
        h.trade(pro, "buy" if i % 2 == 0 else "sell", "0.01", leverage="2")
    assert watcher.run() == 0
    h.trade(pro, "buy", "0.02", leverage="2")  # twice the median: within 3x
    assert watcher.run() == 0
    h.trade(pro, "buy", "0.05", leverage="10")  # 5x the size, 5x the leverage
    assert watcher.run() == 1
    assert watcher.run() == 0
    (fired,) = _fired(h)
    assert "size" in str(fired["text"]) and "leverage" in str(fired["text"])
    assert fired["values"]["median_leverage"] == "2"  # type: ignore[index]


def test_an_inactive_provider_fires_once_per_quiet_spell(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.follow(h.follower("fol", "5000"), pro, "1000")
    rules, watcher = _wired(h)
    rules.add("fol", "inactive", level=D(3))
    h.trade(pro, "buy", "0.01")
    h.clock.advance(timedelta(days=2))
    assert watcher.run() == 0
    h.clock.advance(timedelta(days=1))
    assert watcher.run() == 1
    h.clock.advance(timedelta(days=5))
    assert watcher.run() == 0  # the same spell
    h.trade(pro, "sell", "0.01")
    h.clock.advance(timedelta(days=3))
    assert watcher.run() == 1  # a new one
    assert len(_fired(h)) == 2


def test_a_provider_drawdown_past_the_followers_level_fires_once_per_peak(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.follow(h.follower("fol", "5000"), pro, "1000")
    rules, watcher = _wired(h)
    rules.add("fol", "drawdown", level=D(10))
    h.trade(pro, "buy", "0.5", leverage="5")  # 25,000 notional on 10,000
    day = h.clock.now().date()
    h.engine.close_day(day)
    h.tick(PERP.symbol, "48000")  # 0.5 × 2,000 = 1,000 lost: about 10 % with fees
    h.tick(PERP.symbol, "47000", minutes=60 * 24)  # 1,500 lost: 15 %
    h.engine.close_day(day + timedelta(days=1))
    assert watcher.run() == 1
    h.engine.close_day(day + timedelta(days=2))
    assert watcher.run() == 0
    (fired,) = _fired(h)
    assert fired["kind"] == "drawdown" and D(str(fired["values"]["drawdown_pct"])) > 10  # type: ignore[index]


def test_a_reconciliation_mismatch_tells_the_books_owner(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rules, watcher = _wired(h)
    rules.add("pro", "account")
    h.platform.venue.deposit(pro, USDT.code, D("7"))  # the venue's books drift from the ledger's
    report = reconcile(h.engine.uow_factory, h.platform.venue, h.clock.now)
    assert not report.ok
    watcher.note_reconciliation(report.differences)
    assert watcher.run() == 1
    watcher.note_reconciliation(report.differences)  # the next check finds the same
    assert watcher.run() == 0
    (fired,) = _fired(h)
    assert fired["values"]["book"] == "pro"  # type: ignore[index]


def test_a_risk_alert_goes_out_through_the_owners_webhook(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "2000")
    pro = h.provider("pro", "10000")
    h.follow(h.follower("alice", "5000"), pro, "1000", whitelist=frozenset({PERP.symbol}))
    rules, watcher = _wired(h)
    rules.add("alice", "copy_skipped")
    box = SecretBox(os.urandom(32))
    ports = ChannelPorts(h.engine.uow_factory, lambda: box, ChannelSender(), h.clock.now)
    with http_receiver(200) as receiver:
        AlertChannels(ports).add("alice", "webhook", receiver.url, secret="s")
        h.trade(pro, "buy", "1", symbol=SPOT.symbol)
        assert watcher.run() == 1
        h.engine.relay.relay_all()  # the engine's relay queues the delivery
        assert AlertDelivery(ports, h.clock).run_once() == (0, 1, 0)
    (got,) = receiver.received
    body = json.loads(got.body)
    assert body["alert"]["risk"] == "copy_skipped"
    assert body["alert"]["values"]["reason"] == "symbol_not_allowed"
