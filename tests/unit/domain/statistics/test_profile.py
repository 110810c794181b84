from datetime import timedelta
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.positions import Position, position_from_fills
from copytrade.domain.statistics import (
    OpenKinds,
    ProfileRule,
    RiskBand,
    RiskLevel,
    Strategy,
    risk_level,
    strategy,
)
from tests.unit.domain.fills_factory import ACCOUNT, PERP, SPOT, T0, fill
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


def _held(*fills: tuple[str, bool]) -> list[Position]:
    """Positions of ACCOUNT opened at T0, one per (side, on spot)."""
    return [
        position_from_fills(
            ACCOUNT, SPOT if spot else PERP, [fill(side, "1", "100", on=SPOT if spot else PERP)]
        )[0]
        for side, spot in fills
    ]


@pytest.mark.parametrize(
    ("spot", "perp", "expected"),
    [(1, 0, Strategy.SPOT), (0, 2, Strategy.FUTURES), (1, 1, Strategy.MIXED), (0, 0, None)],
)
def test_with_no_closed_trade_the_open_positions_decide(
    spot: int, perp: int, expected: Strategy | None
) -> None:
    held = OpenKinds.of(_held(*[("buy", True)] * spot, *[("sell", False)] * perp), T0.date())
    assert (held.spot, held.total) == (spot, spot + perp)
    assert strategy([], held=held) is expected


def test_closed_trades_outweigh_open_positions() -> None:
    held = OpenKinds.of(_held(("buy", True), ("buy", True), ("buy", True)), T0.date())
    assert strategy([trade("1", is_spot=False)], held=held) is Strategy.FUTURES


def test_only_positions_open_by_the_day_count() -> None:
    closed = position_from_fills(
        ACCOUNT, SPOT, [fill("buy", "1", "100", on=SPOT), fill("sell", "1", "110", on=SPOT)]
    )[0]
    held = _held(("buy", True))
    assert OpenKinds.of([closed, *held], T0.date()) == OpenKinds(1, 1)  # a flat one is not held
    day_before = T0.date() - timedelta(days=1)
    assert OpenKinds.of(held, day_before) == OpenKinds()  # opened after that day's close
    assert strategy([], held=OpenKinds.of(held, day_before)) is None


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
