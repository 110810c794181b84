"""Properties on random records, checked against plain independent formulas.

The reference side uses ``fractions.Fraction`` (exact) and the ``statistics``
module on floats, never the code under test; figures must agree to within
the 4-dp rounding (plus float error for the ratios).
"""

from __future__ import annotations

import math
import statistics
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.statistics import (
    EquityPoint,
    compute_stats,
    daily_returns,
    equity_curve,
    max_drawdown,
    roi,
    sharpe,
    sortino,
    trade_stats,
)
from tests.unit.domain.statistics.factories import DAY0, trade

HALF_UNIT = Fraction(1, 20_000)  # half of the last published place (0.0001)
CENT = Decimal("0.01")


@st.composite
def records(draw: st.DrawFn) -> list[EquityPoint]:
    """A funded account: random gaps, daily moves, deposits and withdrawals."""
    equity = Decimal(draw(st.integers(100, 1_000_000)))
    points = [EquityPoint(DAY0, equity, equity)]
    day = DAY0
    for _ in range(draw(st.integers(0, 40))):
        day += timedelta(days=draw(st.integers(1, 3)))
        kind = draw(st.sampled_from(["none", "none", "deposit", "withdraw"]))
        if kind == "deposit":
            flow = Decimal(draw(st.integers(1, 100_000)))
        elif kind == "withdraw":
            flow = -(equity * Decimal(draw(st.integers(0, 100))) / 100).quantize(CENT)
        else:
            flow = Decimal(0)
        move = Decimal(draw(st.integers(-3000, 3000))) / 10_000  # −30 % .. +30 %
        equity = max(Decimal(0), ((equity + flow) * (1 + move)).quantize(CENT))
        points.append(EquityPoint(day, equity, flow))
    return points


def reference_returns(points: list[EquityPoint]) -> list[Fraction]:
    """r = (E − F − E_prev) / (E_prev + F), 0 on a zero base, 0 on every missing day."""
    result: list[Fraction] = []
    previous, previous_day = Fraction(0), None
    for p in points:
        if previous_day is not None:
            result += [Fraction(0)] * ((p.day - previous_day).days - 1)
        base = previous + Fraction(p.net_flow)
        result.append((Fraction(p.equity) - base) / base if base else Fraction(0))
        previous, previous_day = Fraction(p.equity), p.day
    return result


def reference_roi(returns: list[Fraction]) -> Fraction:
    return (math.prod((1 + r for r in returns), start=Fraction(1)) - 1) * 100


def reference_drawdown(returns: list[Fraction]) -> Fraction:
    index = peak = Fraction(1)
    worst = Fraction(0)
    for r in returns:
        index *= 1 + r
        peak = max(peak, index)
        worst = max(worst, (peak - index) / peak)
    return worst * 100


def close(ours: Decimal, reference: Fraction) -> bool:
    return abs(Fraction(ours) - reference) <= HALF_UNIT + Fraction(1, 10**20)


@given(records())
def test_returns_roi_and_drawdown_match_exact_arithmetic(points: list[EquityPoint]) -> None:
    ours = daily_returns(points).values
    expected = reference_returns(points)
    assert len(ours) == len(expected)
    # 34 significant digits: each return within 1e-32 relative of the exact one
    for a, b in zip(ours, expected, strict=True):
        assert abs(Fraction(a) - b) <= abs(b) * Fraction(1, 10**32)
    assert close(roi(ours), reference_roi(expected))
    assert close(max_drawdown(ours), reference_drawdown(expected))


def _ratio_matches(ours: Decimal | None, reference: float | None) -> bool:
    if ours is None or reference is None:
        return ours is reference
    return math.isclose(float(ours), reference, rel_tol=1e-9, abs_tol=1e-4)


@given(records())
def test_sharpe_and_sortino_match_the_statistics_module(points: list[EquityPoint]) -> None:
    returns = [float(r) for r in reference_returns(points)]
    ours = daily_returns(points).values
    sharpe_ref = sortino_ref = None
    if len(returns) >= 2:
        mean, stdev = statistics.mean(returns), statistics.stdev(returns)
        downside = math.sqrt(statistics.mean(min(r, 0.0) ** 2 for r in returns))
        sharpe_ref = mean / stdev * math.sqrt(365) if stdev else None
        sortino_ref = mean / downside * math.sqrt(365) if downside else None
    assert _ratio_matches(sharpe(ours), sharpe_ref)
    assert _ratio_matches(sortino(ours), sortino_ref)


@given(records())
def test_curve_ends_at_ten_thousand_times_growth(points: list[EquityPoint]) -> None:
    as_of = points[-1].day
    roi_all = compute_stats([], points, as_of).roi_all
    curve = equity_curve(points)
    assert curve[-1].day == as_of
    assert curve[-1].value == Decimal(10_000) * (1 + roi_all / 100)
    assert [p.day for p in curve] == sorted({p.day for p in curve})


@given(records(), st.integers(1, 120))
def test_windows_compound_the_last_days(points: list[EquityPoint], days: int) -> None:
    returns = reference_returns(points)
    assert close(roi(daily_returns(points).last(days)), reference_roi(returns[-days:]))


@given(st.lists(st.integers(-10_000, 10_000), max_size=30))
def test_win_rate_and_total_pnl(pnls_cents: list[int]) -> None:
    pnls = [Decimal(c) / 100 for c in pnls_cents]
    stats = trade_stats(trade(str(p)) for p in pnls)
    assert stats.total_trades == len(pnls)
    assert stats.total_pnl == sum(pnls, Decimal(0))
    if not pnls:
        assert stats.win_rate is None
        return
    wins = sum(1 for p in pnls if p > 0)
    assert stats.win_rate is not None
    assert close(stats.win_rate, Fraction(wins * 100, len(pnls)))
    losses = -sum((p for p in pnls if p < 0), Decimal(0))
    if losses:
        assert stats.profit_factor is not None
        gains = sum((p for p in pnls if p > 0), Decimal(0))
        assert close(stats.profit_factor, Fraction(gains) / Fraction(losses))
    else:
        assert stats.profit_factor is None
