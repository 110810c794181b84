"""The PSR, MinTRL and DSR of docs/statistics.md, "Ranking by evidence", worked example."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from copytrade.domain.evidence import (
    deflated_sharpe,
    expected_max_sharpe,
    min_track_record,
    moments_of,
    probabilistic_sharpe,
    trailing_moments,
)

# The worked example's ten daily returns (percent: +2, −1, +1.5, +0.5, −2, +3, +1, −0.5, +2, 0).
RETURNS = [0.02, -0.01, 0.015, 0.005, -0.02, 0.03, 0.01, -0.005, 0.02, 0.0]
TOL = 1e-9


def test_worked_example_line_by_line() -> None:
    m = moments_of(RETURNS)
    assert m is not None
    # mean 0.0065; Σd² = 0.0021525 → sample stdev √(0.0021525 / 9) = 0.0154650.
    assert m.sharpe == pytest.approx(0.0065 / math.sqrt(0.0021525 / 9), abs=TOL)
    assert m.sharpe == pytest.approx(0.4203035240, abs=TOL)
    # m2 = 0.00021525, m3 = −6.345e−7, m4 = 9.63335625e−8.
    assert m.skew == pytest.approx(-6.345e-7 / 0.00021525**1.5, abs=TOL)
    assert m.skew == pytest.approx(-0.2009170932, abs=TOL)
    assert m.kurtosis == pytest.approx(2.0791762273, abs=TOL)
    assert m.sharpe_variance_factor() == pytest.approx(1.1321066455, abs=TOL)
    assert probabilistic_sharpe(m) == pytest.approx(0.8820032869, abs=TOL)
    assert min_track_record(m, 0.0, 0.95) == pytest.approx(18.3386703906, abs=TOL)
    assert expected_max_sharpe(0.01, 50) == pytest.approx(0.2276303093, abs=TOL)
    assert deflated_sharpe(m, 0.01, 50) == pytest.approx(0.7065208102, abs=TOL)


def _independent_psr(returns: list[float], benchmark: float) -> float:
    """Numpy moments and the normal CDF through math.erf: no code shared with the domain."""
    x = np.asarray(returns, dtype=np.float64)
    sr = x.mean() / x.std(ddof=1)
    d = x - x.mean()
    g3 = (d**3).mean() / (d**2).mean() ** 1.5
    g4 = (d**4).mean() / (d**2).mean() ** 2
    z = (sr - benchmark) * math.sqrt(len(x) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("benchmark", [0.0, 0.05])
def test_psr_matches_an_independent_computation(seed: int, benchmark: float) -> None:
    rng = np.random.default_rng(seed)
    returns = list(rng.standard_t(5, size=250) * 0.01 + 0.001)
    m = moments_of(returns)
    assert m is not None
    assert probabilistic_sharpe(m, benchmark) == pytest.approx(
        _independent_psr(returns, benchmark), abs=1e-12
    )


def test_psr_at_the_min_track_record_reaches_the_confidence() -> None:
    m = moments_of(RETURNS)
    assert m is not None
    for confidence in (0.9, 0.95, 0.99):
        length = min_track_record(m, 0.0, confidence)
        assert length is not None
        # PSR's z with the sample length set to MinTRL, through math.erf.
        z = m.sharpe * math.sqrt(length - 1) / math.sqrt(m.sharpe_variance_factor())
        assert 0.5 * (1 + math.erf(z / math.sqrt(2))) == pytest.approx(confidence, abs=1e-12)


def test_more_evidence_raises_psr_and_more_providers_deflate_it() -> None:
    m = moments_of(RETURNS)
    assert m is not None
    assert probabilistic_sharpe(replace(m, count=100)) > probabilistic_sharpe(m)
    assert deflated_sharpe(m, 0.01, 1000) < deflated_sharpe(m, 0.01, 10) < probabilistic_sharpe(m)
    assert deflated_sharpe(m, 0.01, 1) == probabilistic_sharpe(m)


def test_edges() -> None:
    assert moments_of([0.01]) is None
    assert moments_of([0.01, 0.01, 0.01]) is None
    losing = moments_of([-0.01, 0.0, -0.02])
    assert losing is not None
    assert min_track_record(losing) is None
    with pytest.raises(ValueError, match="confidence"):
        min_track_record(losing, confidence=1.0)


@pytest.mark.parametrize("seed", [4, 5])
def test_trailing_moments_equal_moments_of_each_window(seed: int) -> None:
    rng = np.random.default_rng(seed)
    returns = list(rng.standard_t(4, size=120) * 0.02 + 0.002)
    lengths = [1, 2, 7, 30, 90, None, 500]
    found = trailing_moments(returns, lengths)
    for length in lengths:
        window = returns if length is None else returns[-length:]
        want = moments_of(window)
        got = found[length]
        if want is None:
            assert got is None
            continue
        assert got is not None and got.count == want.count
        for name in ("sharpe", "skew", "kurtosis"):
            assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-12, abs=1e-12)
    assert trailing_moments([0.01, 0.01, 0.01], [None])[None] is None
    assert trailing_moments([], [7]) == {7: None}
