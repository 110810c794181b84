from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.statistics import (
    ProfileRule,
    RiskBand,
    RiskLevel,
    Strategy,
    risk_level,
    strategy,
)
from tests.unit.domain.statistics.factories import trade

LOW, MEDIUM, HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH


@pytest.mark.parametrize(
    ("volatility", "drawdown", "leverages", "expected"),
    [
        ("20", "5", [1, 1], LOW),
        (None, "0", [], LOW),  # unknown volatility counts as low
        ("40", "15", [2], LOW),  # bounds are inclusive
        ("40.0001", "0", [], MEDIUM),  # volatility above 40 %
        ("10", "20", [1], MEDIUM),  # drawdown above 15 %
        ("10", "5", [3, 3], MEDIUM),  # average leverage above 2
        ("10", "5", [1, 1, 1, 1, 1, 1, 1, 1, 1, 11], MEDIUM),  # avg 2, one trade at 11×
        ("10", "5", [1, 1, 1, 1, 1, 1, 1, 1, 1, 30], HIGH),  # one trade above 25× is enough
        ("150", "5", [1], HIGH),  # volatility above 100 %
        ("10", "40", [1], HIGH),  # drawdown above 35 %
        ("10", "5", [10, 10], HIGH),  # average leverage above 5
    ],
)
def test_risk_level_is_the_highest_band(
    volatility: str | None, drawdown: str, leverages: list[int], expected: RiskLevel
) -> None:
    trades = [trade("1", leverage=lev) for lev in leverages]
    vol = None if volatility is None else Decimal(volatility)
    assert risk_level(vol, Decimal(drawdown), trades) is expected


@pytest.mark.parametrize(
    ("spot", "perp", "expected"),
    [
        (10, 0, Strategy.SPOT),
        (9, 1, Strategy.SPOT),  # 90 % spot is still spot
        (0, 5, Strategy.FUTURES),
        (1, 9, Strategy.FUTURES),
        (8, 2, Strategy.MIXED),
        (1, 1, Strategy.MIXED),
        (0, 0, None),
    ],
)
def test_strategy_by_share_of_trades(spot: int, perp: int, expected: Strategy | None) -> None:
    trades = [trade("1", is_spot=True)] * spot + [trade("1", is_spot=False)] * perp
    assert strategy(trades) is expected


def test_custom_rule_changes_thresholds() -> None:
    strict = ProfileRule(dominant_kind_pct=Decimal(100), max_drawdown_pct=RiskBand(1, 2))
    nine_to_one = [trade("1", is_spot=True)] * 9 + [trade("1")]
    assert strategy(nine_to_one) is Strategy.SPOT
    assert strategy(nine_to_one, strict) is Strategy.MIXED
    assert risk_level(None, Decimal(3), []) is LOW
    assert risk_level(None, Decimal(3), [], strict) is HIGH


@pytest.mark.parametrize("share", ["50", "100.1"])
def test_dominant_share_must_decide(share: str) -> None:
    with pytest.raises(InvalidValueError, match="dominant_kind_pct"):
        ProfileRule(dominant_kind_pct=Decimal(share))


def test_band_bounds_must_be_ordered() -> None:
    with pytest.raises(InvalidValueError, match="low ≤ medium"):
        RiskBand(Decimal(5), Decimal(2))
