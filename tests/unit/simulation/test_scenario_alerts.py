"""A scenario's alert rules are loaded as domain rules, and a wrong one names its field
(docs/scenarios.md, "Alerts")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.domain.alerts.risk import RiskKind
from copytrade.domain.alerts.rules import FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.simulation.scenario import ScenarioError, load_scenario

from .texts import BASE_YAML

Write = Callable[[str, str], Path]
RULES = """\
alerts:
  - {owner: alice, symbol: BTC/USDT:USDT, timeframe: 1h, condition: "RSI(14) crosses above 70"}
  - {id: cross, owner: pro, symbol: ETH/USDT, timeframe: 15m, mode: every, cooldown: 1h,
     condition: "EMA(9) crosses above EMA(21)"}
risk_alerts:
  - {owner: alice, kind: drawdown, level: 25, provider: pro}
  - {owner: pro, kind: settlement}
"""


def test_rules_and_subscriptions_are_loaded_at_the_start(write: Write) -> None:
    scenario = load_scenario(write("s.yaml", BASE_YAML + RULES))
    first, cross = scenario.alerts
    assert (first.id, first.owner, first.timeframe, first.mode) == (
        "alert-1", "alice", Timeframe.H1, FireMode.ONCE
    )
    assert str(cross.conditions) == "EMA(9) crosses above EMA(21)"
    assert cross.cooldown == timedelta(hours=1) and cross.created_at == scenario.start
    drawdown, settlement = scenario.risk_alerts
    assert (drawdown.id, drawdown.kind, drawdown.level, drawdown.provider) == (
        "risk-1", RiskKind.DRAWDOWN, Decimal(25), "pro"
    )
    assert settlement.level is None


@pytest.mark.parametrize(
    ("fragment", "replacement", "field", "words"),
    [
        ("RSI(14) crosses above 70", "RSI(14) crosses abve 70", r"alerts\[0\]\.condition",
         "column 17"),
        ("timeframe: 1h", "timeframe: 2h", r"alerts\[0\]\.timeframe", "unknown timeframe"),
        ("owner: alice, symbol", "owner: bob, symbol", r"alerts\[0\]\.owner",
         "'bob' is no provider or follower"),
        ("symbol: ETH/USDT, timeframe", "symbol: DOGE/USDT, timeframe", r"alerts\[1\]\.symbol",
         "not an instrument"),
        ("kind: drawdown, level: 25", "kind: drawdown, level: 250", r"risk_alerts\[0\]\.level",
         "from 0.01 to 100"),
        ("kind: settlement", "kind: nope", r"risk_alerts\[1\]\.kind", "unknown risk alert kind"),
        ("provider: pro}", "provider: alice}", r"risk_alerts\[0\]\.provider",
         "no provider of the scenario"),
    ],
)  # fmt: skip
def test_a_wrong_rule_names_its_field(
    write: Write, fragment: str, replacement: str, field: str, words: str
) -> None:
    text = BASE_YAML + RULES.replace(fragment, replacement, 1)
    with pytest.raises(ScenarioError, match=field) as caught:
        load_scenario(write("s.yaml", text))
    assert words in str(caught.value)
