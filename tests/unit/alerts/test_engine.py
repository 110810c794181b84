"""The alert engine on hand-built candles: fires exactly on the crossings one counts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from copytrade.domain.alerts.candles import Candle
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId
from copytrade.marketdata import PriceTick
from copytrade.service_layer.alerts.engine import AlertEngine
from copytrade.service_layer.alerts.replay import replay

T0 = datetime(2026, 3, 2, tzinfo=UTC)
SYMBOL = "BTC/USDT"


def rule(rule_id: str, condition: str, mode: FireMode = FireMode.EVERY,
         cooldown: timedelta = timedelta(0), symbol: str = SYMBOL) -> AlertRule:
    return AlertRule(
        id=AlertRuleId(rule_id), owner=AccountId("alice"), symbol=symbol,
        timeframe=Timeframe.M1, conditions=parse_conditions(condition), mode=mode,
        cooldown=cooldown, created_at=T0 - timedelta(days=1),
    )


def candles(*closes: str, symbol: str = SYMBOL) -> list[Candle]:
    out = []
    for i, close in enumerate(closes):
        price = Decimal(close)
        out.append(Candle(symbol, Timeframe.M1, T0 + timedelta(minutes=i), price, price,
                          price, price, Decimal(0), 1))
    return out


def fired_minutes(engine: AlertEngine, series: list[Candle]) -> dict[str, list[int]]:
    got: dict[str, list[int]] = {}
    for candle in series:
        for firing in engine.on_candle(candle):
            minute = int((firing.fired_at - T0) / timedelta(minutes=1))
            got.setdefault(str(firing.rule.id), []).append(minute)
    return got


def test_every_once_and_cooldown_on_one_counted_series() -> None:
    # Crossings above 100 at the candles closing at minutes 4, 7 and 9 (indexes 3, 6, 8).
    series = candles("110", "120", "90", "105", "99", "100", "101", "95", "100.01", "120")
    engine = AlertEngine([
        rule("every", "price crosses above 100"),
        rule("once", "price crosses above 100", FireMode.ONCE),
        rule("cool", "price crosses above 100", cooldown=timedelta(minutes=4)),
        rule("other", "price crosses above 100", symbol="ETH/USDT"),
    ])
    assert fired_minutes(engine, series) == {
        "every": [4, 7, 9],
        "once": [4],
        "cool": [4, 9],  # 7 is within 4 minutes of 4
    }
    by_id = {str(r.id): r for r in engine.rules()}
    assert (by_id["every"].fired_count, by_id["once"].fired_count) == (3, 1)
    assert by_id["other"].fired_count == 0


def test_a_firing_carries_the_values_that_made_it_fire() -> None:
    engine = AlertEngine([rule("r", "price crosses above SMA(2)")])
    firings = [f for c in candles("10", "10", "12", "14") for f in engine.on_candle(c)]
    # SMA(2): -, 10, 11, 13. Price 12 > 11 with 10 <= 10 before: fires at index 2.
    assert len(firings) == 1
    firing = firings[0]
    assert firing.values == {"close": "12", "price": "12", "SMA(2)": "11"}
    assert firing.before == {"price": "10", "SMA(2)": "10"}
    assert firing.fired_at == T0 + timedelta(minutes=3)
    assert firing.message_id == f"alert:{firing.fired_at.isoformat()}:r"
    notice = firing.notice()
    assert notice["to"] == "alice" and notice["condition"] == "price crosses above SMA(2)"


def test_rules_with_the_same_condition_share_one_evaluation() -> None:
    rules = [rule(f"r{i}", "RSI(14) crosses above 70") for i in range(50)]
    engine = AlertEngine(rules)
    assert engine.bank.computations() == 1
    # Three waves of 20 falling then 20 rising candles: RSI goes under 30 and over 70.
    wave = [100 - i for i in range(20)] + [80 + i for i in range(20)]
    series = candles(*[str(p) for p in wave * 3])
    got = fired_minutes(engine, series)
    # All 50 fire on exactly the same candles, and at least once.
    assert len(got) == 50 and len({tuple(v) for v in got.values()}) == 1
    assert len(got["r0"]) == 3  # once per rising leg (the first is after warm-up)


def test_replay_from_ticks_is_the_engine_on_the_same_candles() -> None:
    ticks = [
        PriceTick(SYMBOL, T0 + timedelta(seconds=30 * i), Decimal(p))
        for i, p in enumerate(["90", "95", "101", "102", "99", "98", "105", "106", "107"])
    ]
    # 1m candles: [90,95] close 95, [101,102] close 102 (cross), [99,98] close 98,
    # [105,106] close 106 (cross); the last candle (107) never closes.
    firings = replay([rule("r", "close crosses above 100")], ticks)
    assert [f.fired_at for f in firings] == [T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)]
    # Replay takes rules fresh: a spent once-rule fires again in replay.
    spent = rule("s", "close crosses above 100", FireMode.ONCE).fired(T0)
    assert len(replay([spent], ticks)) == 1


def test_a_rule_on_a_timeframe_the_engine_does_not_build_is_refused() -> None:
    engine = AlertEngine((), [Timeframe.M1, Timeframe.H1])
    on_5m = dataclasses.replace(rule("r", "price above 1"), timeframe=Timeframe.M5)
    with pytest.raises(InvalidAlertError, match="on 5m candles; this engine builds 1m, 1h"):
        engine.add(on_5m)
    assert engine.rules() == []
