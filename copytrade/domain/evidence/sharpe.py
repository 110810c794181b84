"""The probabilistic Sharpe ratio, the minimum track record length and the deflated Sharpe
ratio of Bailey and López de Prado (docs/statistics.md, "Ranking by evidence").

Every Sharpe ratio here is a **daily** one (mean over standard deviation of daily returns,
not annualised). These are probabilities and day counts, never money: they are computed
in binary floating point, with the normal distribution of ``statistics.NormalDist``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

EULER_GAMMA = 0.5772156649015329
_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class ReturnMoments:
    """What the formulas need of a sample of daily returns.

    ``sharpe`` = mean / sample standard deviation (n − 1), the platform's Sharpe before
    annualising; ``skew`` = m3 / m2^1.5 and ``kurtosis`` = m4 / m2² (not excess: 3 for a
    normal distribution), m_k the sample's central moments (divided by n).
    """

    count: int
    sharpe: float
    skew: float
    kurtosis: float

    def sharpe_variance_factor(self) -> float:
        """1 − γ3·SR + (γ4 − 1)/4·SR²: the non-normality correction of the Sharpe's variance."""
        sr = self.sharpe
        return 1.0 - self.skew * sr + (self.kurtosis - 1.0) / 4.0 * sr * sr


def moments_of(returns: Sequence[Decimal | float]) -> ReturnMoments | None:
    """The moments of daily returns; None with fewer than 2 returns or no deviation."""
    values = [float(r) for r in returns]
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    deviations = [v - mean for v in values]
    m2 = math.fsum(d * d for d in deviations) / n
    if m2 <= 0.0:
        return None
    m3 = math.fsum(d * d * d for d in deviations) / n
    m4 = math.fsum(d * d * d * d for d in deviations) / n
    stdev = math.sqrt(m2 * n / (n - 1))
    return ReturnMoments(n, mean / stdev, m3 / m2**1.5, m4 / (m2 * m2))


def trailing_moments(
    returns: Sequence[float], lengths: Sequence[int | None]
) -> dict[int | None, ReturnMoments | None]:
    """``moments_of`` of the last ``length`` returns (None: all) for many lengths at once,
    each window's moments come from the sums of the
    powers of (r − c), c the whole sample's mean (a shift that keeps the sums small), by the
    binomial expansion of the central moments. Equal to ``moments_of`` up to rounding
    (tested to 1e−12 relative): the statistics refresh computes every window this way."""
    values = list(returns)
    total = len(values)
    wanted = {length: min(total, total if length is None else length) for length in lengths}
    shift = math.fsum(values) / total if total else 0.0
    d1 = [value - shift for value in values]
    d2 = list(map(operator.mul, d1, d1))
    d3 = list(map(operator.mul, d2, d1))
    d4 = list(map(operator.mul, d2, d2))
    sums = {
        n: (sum(d1[total - n :]), sum(d2[total - n :]), sum(d3[total - n :]), sum(d4[total - n :]))
        for n in set(wanted.values())
    }
    return {length: _from_sums(n, shift, *sums[n]) for length, n in wanted.items()}


def _from_sums(
    n: int, shift: float, s1: float, s2: float, s3: float, s4: float
) -> ReturnMoments | None:
    """The moments of n returns from Σd, Σd², Σd³, Σd⁴ with d = r − shift."""
    if n < 2:
        return None
    delta = s1 / n  # the window's mean less the shift
    r2, r3, r4 = s2 / n, s3 / n, s4 / n
    m2 = r2 - delta * delta
    if m2 <= r2 * 1e-12:  # no deviation beyond rounding (moments_of: exactly none)
        return None
    m3 = r3 - 3.0 * delta * r2 + 2.0 * delta**3
    m4 = r4 - 4.0 * delta * r3 + 6.0 * delta * delta * r2 - 3.0 * delta**4
    stdev = math.sqrt(m2 * n / (n - 1))
    return ReturnMoments(n, (shift + delta) / stdev, m3 / m2**1.5, m4 / (m2 * m2))


def probabilistic_sharpe(moments: ReturnMoments, benchmark: float = 0.0) -> float:
    """PSR(SR*) = Φ((SR − SR*)·√(n − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)): the probability
    that the true daily Sharpe exceeds ``benchmark`` (a daily Sharpe)."""
    factor = moments.sharpe_variance_factor()
    if factor <= 0.0:
        # The correction is never ≤ 0 for a real sample (γ4 ≥ 1 + γ3²); guard rounding.
        factor = 1e-12
    z = (moments.sharpe - benchmark) * math.sqrt(moments.count - 1) / math.sqrt(factor)
    return _NORMAL.cdf(z)


def min_track_record(
    moments: ReturnMoments, benchmark: float = 0.0, confidence: float = 0.95
) -> float | None:
    """MinTRL = 1 + (1 − γ3·SR + (γ4 − 1)/4·SR²)·(z_c / (SR − SR*))², in days of returns:
    the sample length at which PSR(SR*) reaches ``confidence``. None (no length is enough)
    when the observed Sharpe does not exceed the benchmark."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    edge = moments.sharpe - benchmark
    if edge <= 0.0:
        return None
    z = _NORMAL.inv_cdf(confidence)
    return 1.0 + moments.sharpe_variance_factor() * (z / edge) ** 2


def expected_max_sharpe(sharpe_variance: float, trials: int) -> float:
    """SR0 = √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))): the highest daily Sharpe
    expected among ``trials`` providers without skill, V the variance of their Sharpes.
    0 for fewer than 2 trials (nothing to deflate for)."""
    if trials < 2 or sharpe_variance <= 0.0:
        return 0.0
    first = _NORMAL.inv_cdf(1.0 - 1.0 / trials)
    second = _NORMAL.inv_cdf(1.0 - 1.0 / (trials * math.e))
    return math.sqrt(sharpe_variance) * ((1.0 - EULER_GAMMA) * first + EULER_GAMMA * second)


def deflated_sharpe(moments: ReturnMoments, sharpe_variance: float, trials: int) -> float:
    """DSR = PSR(SR0), SR0 the expected maximum Sharpe of ``trials`` unskilled providers."""
    return probabilistic_sharpe(moments, expected_max_sharpe(sharpe_variance, trials))
