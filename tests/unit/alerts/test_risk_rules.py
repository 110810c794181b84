"""The pure rules of risk alerts (docs/alerts.md, "Risk alerts"); hypothesis where money
is compared."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.risk import (
    JUMP_HISTORY_MIN,
    RiskAlert,
    RiskKind,
    checked_level,
    current_drawdown,
    drawdown_passed,
    inactive_for,
    jumped,
    near_max_loss,
    needs_attention,
    settlement_side,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
cents = st.integers(min_value=1, max_value=10**12)


def test_kinds_and_levels_are_checked_with_the_part_named() -> None:
    assert RiskKind.parse(" Drawdown ") is RiskKind.DRAWDOWN
    with pytest.raises(InvalidAlertError, match="unknown risk alert kind 'dd'; kinds: drawdown"):
        RiskKind.parse("dd")
    assert checked_level(RiskKind.DRAWDOWN, None) == D(20)
    assert checked_level(RiskKind.MAX_LOSS, None) == D(80)
    assert checked_level(RiskKind.INACTIVE, D(3)) == D(3)
    assert checked_level(RiskKind.SETTLEMENT, None) is None
    with pytest.raises(InvalidAlertError, match=r"in percent, from 0\.01 to 100; got 120"):
        checked_level(RiskKind.DRAWDOWN, D(120))
    with pytest.raises(InvalidAlertError, match="settlement risk alert takes no --level"):
        checked_level(RiskKind.SETTLEMENT, D(1))
    with pytest.raises(InvalidAlertError, match="jump"):
        checked_level(RiskKind.JUMP, D(1))


@given(equity=cents, allocated=cents, max_loss=st.integers(1, 100), level=st.integers(1, 100))
def test_near_max_loss_is_exact_at_the_boundary(
    equity: int, allocated: int, max_loss: int, level: int
) -> None:
    # 1 − e/n ≥ (max_loss/100)·(level/100)  ⇔  e·10⁴ ≤ n·(10⁴ − max_loss·level), in integers.
    expected = equity * 10_000 <= allocated * (10_000 - max_loss * level)
    got = near_max_loss(D(equity) / 100, D(allocated) / 100, D(max_loss), D(level))
    assert got is expected


def test_near_max_loss_on_the_exact_boundary_and_without_capital() -> None:
    # 20 % stop, 80 % of it: 16 % down exactly is near, a cent less is not.
    assert near_max_loss(D("840.00"), D(1000), D(20), D(80))
    assert not near_max_loss(D("840.01"), D(1000), D(20), D(80))
    assert not near_max_loss(D(0), D(0), D(20), D(80))  # nothing allocated: nothing to lose


returns = st.lists(
    st.decimals(min_value=D("-0.5"), max_value=D("0.5"), places=4), min_size=0, max_size=40
)


@given(returns)
def test_current_drawdown_is_the_fall_from_the_highest_compounded_value(values: list[D]) -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(len(values))]
    peak_day, fall = current_drawdown(days, values)
    index = peak = Fraction(1)
    best: date | None = None
    for day, value in zip(days, values, strict=True):
        index *= 1 + Fraction(value)
        if index > peak:
            peak, best = index, day
    exact = 1 - index / peak
    assert peak_day == best
    assert abs(Fraction(fall) - exact) < Fraction(1, 10**20)
    assert D(0) <= fall <= D(1)


def test_drawdown_passes_at_the_level_not_below() -> None:
    assert drawdown_passed(D("0.2"), D(20))
    assert not drawdown_passed(D("0.1999"), D(20))


history = st.lists(st.decimals(min_value=D("0.01"), max_value=D(10**6), places=2), max_size=30)


@given(history, st.decimals(min_value=D("0.01"), max_value=D(10**7), places=2),
       st.integers(min_value=2, max_value=10))  # fmt: skip
def test_a_jump_is_above_factor_times_the_recent_median(
    values: list[D], value: D, factor: int
) -> None:
    got = jumped(values, value, D(factor))
    recent = sorted(values[-20:])
    if len(recent) < JUMP_HISTORY_MIN:
        assert got is None
        return
    n = len(recent)
    middle = recent[n // 2] if n % 2 else (recent[n // 2 - 1] + recent[n // 2]) / 2
    assert got == (middle if value > factor * middle else None)
    # The same in other units (a size ×100 everywhere) is the same decision.
    scaled = jumped([v * 100 for v in values], value * 100, D(factor))
    assert (scaled is None) == (got is None)


def test_inactivity_settlement_side_and_attention() -> None:
    assert inactive_for(NOW - timedelta(days=3), NOW, D(3))
    assert not inactive_for(NOW - timedelta(days=3) + timedelta(seconds=1), NOW, D(3))
    assert not inactive_for(None, NOW, D(3))  # never traded: nothing to miss yet
    assert settlement_side("f", "f", "p", D(5), D(4)) == "charged"
    assert settlement_side("p", "f", "p", D(5), D(4)) == "earned"
    assert settlement_side("f", "f", "p", D(0), D(0)) is None
    assert settlement_side("x", "f", "p", D(5), D(4)) is None
    assert needs_attention("insufficient_balance") and needs_attention("venue:rejected")
    assert not needs_attention("symbol_not_allowed") and not needs_attention(None)


def test_an_alert_notice_reads_like_an_indicator_firing() -> None:
    alert = RiskAlert("risk_1", "alice", RiskKind.COPY_SKIPPED, "decision:7", NOW,
                      "copy skipped (slippage)", {"reason": "slippage"}, "BTC/USDT")  # fmt: skip
    assert alert.message_id == "risk:risk_1:decision:7"
    notice = alert.notice()
    assert notice["to"] == "alice" and notice["kind"] == "risk" and notice["risk"] == "copy_skipped"
    assert {"rule", "symbol", "timeframe", "condition", "fired_at", "values"} <= set(notice)
