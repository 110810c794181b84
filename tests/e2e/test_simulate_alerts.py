"""A scenario's alert rules (docs/scenarios.md, "Alerts"): ``simulate`` records the same
firings as ``alerts replay --scenario`` over the same prices, and the risk alerts the
copy flow raised, once each."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import EXAMPLES, Result

Simulate = Callable[[str], Result]

SCENARIO = EXAMPLES / "alerts_risk.yaml"
SAME = ("rule", "owner", "symbol", "timeframe", "condition", "candle_open", "fired_at",
        "values", "before")  # fmt: skip


def _replayed() -> list[dict[str, Any]]:
    done = CliRunner().invoke(app, ["alerts", "replay", "--scenario", str(SCENARIO), "--json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    assert body["rules"] == 2
    firings: list[dict[str, Any]] = body["firings"]
    return firings


def _key(firing: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(json.dumps(firing[k], sort_keys=True) for k in SAME)


def test_simulate_and_replay_give_the_same_firings(simulate: Simulate) -> None:
    result: Result = simulate("alerts_risk")
    simulated = result["alerts"]
    assert [(f["rule"], f["fired_at"]) for f in simulated] == [
        ("fay-breakout", "2024-06-03T00:14:00+00:00"),  # 41,000 then 41,200
        ("pro-ema", "2024-06-03T00:22:00+00:00"),  # the fall turns EMA(3) under EMA(8)
    ]
    assert simulated[0]["values"] == {"close": "41200", "price": "41200"}
    assert simulated[0]["before"] == {"price": "41000"}
    assert sorted(map(_key, simulated)) == sorted(map(_key, _replayed()))


def test_the_copy_flow_raises_each_risk_alert_once(simulate: Simulate) -> None:
    fired = simulate("alerts_risk")["risk_alerts"]
    assert [(f["rule"], f["fired_at"][11:16]) for f in fired] == [
        ("sam-skips", "00:07"), ("fay-jump", "00:07"),
        ("fay-jump", "00:16"),
        ("fay-settle", "00:17"), ("pro-settle", "00:17"), ("pro-settle", "00:17"),
        ("sam-skips", "00:18"), ("fay-jump", "00:18"),
        ("fay-stop", "00:30"), ("fay-stop", "00:32"),
        ("sam-drawdown", "00:00"), ("sam-quiet", "00:00"),
    ]  # fmt: skip
    assert len({(f["rule"], f["key"]) for f in fired}) == len(fired)
    skip = fired[0]
    assert skip["values"]["reason"] == "not_active" and skip["owner"] == "sam"
    assert fired[3]["values"]["side"] == "charged" and fired[4]["values"]["side"] == "earned"
    assert fired[8]["key"] == "max_loss_near:fay:pro" and fired[9]["key"] == "max_loss_stop:fay:pro"
    assert fired[-2]["values"]["drawdown_pct"] == "11.80"


def test_a_scenario_without_rules_has_no_alert_keys(simulate: Simulate) -> None:
    assert not {"alerts", "risk_alerts"} & set(simulate("gate_skips"))
