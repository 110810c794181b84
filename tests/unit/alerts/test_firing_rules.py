"""When conditions trigger and rules fire, on hand-built values (docs/alerts.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from copytrade.domain.alerts.conditions import Conditions, Values
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode, Outcome
from copytrade.domain.alerts.series import SeriesRef
from copytrade.domain.alerts.timeframes import Timeframe

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def triggers(text: str, series: Sequence[dict[str, float | Decimal | None]]) -> list[int]:
    """The candle indexes where ``text`` triggers; ``series`` names values by their text."""
    conditions = parse_conditions(text)
    by_name = {str(ref): ref for ref in conditions.series}

    def values(i: int) -> Values:
        if i < 0:
            return {}
        return {by_name[name]: value for name, value in series[i].items() if name in by_name}

    return [i for i in range(len(series)) if conditions.triggered(values(i), values(i - 1))]


def closes(*prices: str) -> list[dict[str, float | Decimal | None]]:
    return [{"price": Decimal(p)} for p in prices]


def test_a_crossing_needs_the_previous_value_on_the_other_side() -> None:
    #        0 (first)  1     2      3 cross  4     5 touch 6 above  7 cross
    series = closes("110", "120", "90", "105", "99", "100", "101", "95", "100.01")
    # 0: no candle before; 3: 90 -> 105; 6: 100 -> 101 (100 was not above);
    # 8: 95 -> 100.01. Staying above (1, 4 -> 5 is below) never repeats it.
    assert triggers("price crosses above 100", series) == [3, 6, 8]
    assert triggers("price crosses below 100", series) == [2, 4, 7]


def test_a_cross_between_two_indicators_and_missing_values() -> None:
    series: list[dict[str, float | Decimal | None]] = [
        {"EMA(9)": None, "EMA(21)": None},
        {"EMA(9)": 1.0, "EMA(21)": None},  # the slow one still warming up
        {"EMA(9)": 1.0, "EMA(21)": 2.0},
        {"EMA(9)": 2.5, "EMA(21)": 2.1},  # crosses
        {"EMA(9)": 2.6, "EMA(21)": 2.2},
        {"EMA(9)": 2.0, "EMA(21)": 2.2},
        {"EMA(9)": 2.2, "EMA(21)": 2.2},  # equal is not above
        {"EMA(9)": 2.3, "EMA(21)": 2.2},  # crosses (from equal)
    ]
    assert triggers("EMA(9) crosses above EMA(21)", series) == [3, 7]


def test_turns_positive_and_negative() -> None:
    name = "MACD(12, 26, 9) histogram"
    values = [None, -2.0, -0.5, 0.0, 0.7, 1.2, -0.1, 0.3]
    series: list[dict[str, float | Decimal | None]] = [{name: v} for v in values]
    assert triggers("MACD histogram turns positive", series) == [4, 7]
    # 1 is negative, but the value before it is missing: no turn.
    assert triggers("MACD histogram turns negative", series) == [6]


def test_a_level_fires_when_it_becomes_true_and_not_on_the_first_candle() -> None:
    series = closes("71000", "72000", "69000", "70500", "70600", "69999", "70001")
    assert triggers("price above 70,000", series) == [3, 6]


def test_and_with_a_crossing_fires_on_the_crossing_while_the_level_holds() -> None:
    series: list[dict[str, float | Decimal | None]] = [
        {"RSI(14)": 65.0, "price": Decimal("100")},
        {"RSI(14)": 72.0, "price": Decimal("100")},  # crosses, price not above 150
        {"RSI(14)": 60.0, "price": Decimal("160")},
        {"RSI(14)": 75.0, "price": Decimal("160")},  # crosses, price above 150
        {"RSI(14)": 80.0, "price": Decimal("170")},  # still above: no repeat
    ]
    assert triggers("RSI(14) crosses above 70 AND price above 150", series) == [3]
    # Two levels: the AND becomes true at 2 (price) ... and stays true at 3 and 4.
    assert triggers("RSI(14) above 50 AND price above 150", series) == [2]


def rule(mode: FireMode = FireMode.EVERY, cooldown: timedelta = timedelta(0),
         **changes: object) -> AlertRule:
    fields: dict[str, object] = {
        "id": "r1", "owner": "u1", "symbol": "BTC/USDT", "timeframe": Timeframe.M1,
        "conditions": parse_conditions("price above 1"), "mode": mode, "cooldown": cooldown,
        "created_at": T0,
    }
    return AlertRule(**{**fields, **changes})  # type: ignore[arg-type]


def test_once_fires_once_then_is_spent() -> None:
    r = rule(FireMode.ONCE)
    assert r.outcome(T0 + timedelta(minutes=1), True) is Outcome.FIRES
    spent = r.fired(T0 + timedelta(minutes=1))
    assert spent.outcome(T0 + timedelta(minutes=9), True) is Outcome.SPENT
    assert spent.status(T0) == "spent" and spent.fired_count == 1


def test_every_with_a_cooldown_waits_out_the_cooldown() -> None:
    r = rule(cooldown=timedelta(minutes=10)).fired(T0 + timedelta(minutes=1))
    assert r.outcome(T0 + timedelta(minutes=10), True) is Outcome.COOLING_DOWN
    assert r.outcome(T0 + timedelta(minutes=11), True) is Outcome.FIRES
    assert r.outcome(T0 + timedelta(minutes=11), False) is Outcome.NOT_TRIGGERED


def test_disabled_and_expired_rules_do_not_fire() -> None:
    r = rule(expires_at=T0 + timedelta(hours=1))
    assert r.switched(False).outcome(T0 + timedelta(minutes=5), True) is Outcome.DISABLED
    assert r.outcome(T0 + timedelta(minutes=59), True) is Outcome.FIRES
    assert r.outcome(T0 + timedelta(hours=1), True) is Outcome.EXPIRED
    assert r.status(T0 + timedelta(hours=2)) == "expired"
    assert r.switched(False).status(T0) == "disabled" and r.status(T0) == "active"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"cooldown": timedelta(seconds=-1)}, "cooldown must be between"),
        ({"mode": FireMode.ONCE, "cooldown": timedelta(minutes=1)}, "a 'once' rule has none"),
        ({"expires_at": T0}, "is not after the rule's creation"),
        ({"owner": ""}, "needs an id and an owner"),
    ],
)
def test_invalid_rules_are_refused(changes: dict[str, object], problem: str) -> None:
    base: dict[str, object] = {"mode": FireMode.EVERY, "cooldown": timedelta(0)}
    with pytest.raises(InvalidAlertError, match=problem):
        rule(**{**base, **changes})  # type: ignore[arg-type]


def test_fire_mode_parse() -> None:
    assert FireMode.parse(" Once ") is FireMode.ONCE
    with pytest.raises(InvalidAlertError, match="once or every"):
        FireMode.parse("twice")


def test_series_of_conditions_are_what_they_name() -> None:
    conditions: Conditions = parse_conditions("EMA(9) crosses above EMA(21) AND price > 3")
    assert sorted(str(ref) for ref in conditions.series) == ["EMA(21)", "EMA(9)", "price"]
    assert all(isinstance(ref, SeriesRef) for ref in conditions.series)
