from decimal import Decimal

import pytest

from copytrade.domain.statistics import annualised_volatility, max_drawdown, sharpe, sortino
from tests.unit.domain.statistics.factories import decimals


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        (["0.1", "0.1"], "0.0000"),  # monotone rise: no drawdown
        (["-0.1"], "10.0000"),  # the starting value 1 is a peak: 1 → 0.9
        # index 1.1, 0.88, 0.924, 1.386, 1.2474: 1.1 → 0.88 is 20 %, 1.386 → 1.2474 only 10 %
        (["0.1", "-0.2", "0.05", "0.5", "-0.1"], "20.0000"),
        # 0.5, 1.0, 0.9: the fall from the start (50 %) outweighs the later 10 %
        (["-0.5", "1.0", "-0.1"], "50.0000"),
        # 0.9, 0.81: consecutive losses compound, 19 % not 20 %
        (["-0.1", "-0.1"], "19.0000"),
        (["-1"], "100.0000"),
        ([], "0.0000"),
    ],
)
def test_max_drawdown(returns: list[str], expected: str) -> None:
    assert str(max_drawdown(decimals(*returns))) == expected


SQRT_365 = "√365 = 19.10497317"

RATIO_CASES = [
    # mean 0.005; deviations ±0.015, Σ² = 0.0009, /3 → stdev √0.0003 = 0.0173205;
    # sharpe = 0.005 / 0.0173205 × √365 = √(365/12) = 5.51513
    # downside: (0.0001 + 0.0001) / 4 = 0.00005, √ = 0.00707107;
    # sortino = 0.005 / 0.00707107 × √365 = √182.5 = 13.50926
    (["0.02", "-0.01", "0.02", "-0.01"], "5.5151", "13.5093"),
    # mean 0.02, stdev 0.01 → 2 × √365 = 38.20995; no losing day → sortino None
    (["0.01", "0.02", "0.03"], "38.2099", None),
    # mean -0.02, stdev √(0.0002 / 1) = 0.0141421 → -√730 = -27.01851
    # downside √((0.0001 + 0.0009) / 2) = 0.0223607 → -0.894427 × √365 = -√292 = -17.08801
    (["-0.01", "-0.03"], "-27.0185", "-17.0880"),
    # mean 0.002; deviations .008 -.022 .028 -.002 -.012, Σ² = 0.00148, /4 → stdev 0.0192354
    # sharpe = 0.103975 × √365 = 1.98644; downside √((0.0004 + 0.0001) / 5) = 0.01
    # sortino = 0.2 × √365 = 3.82099
    (["0.01", "-0.02", "0.03", "0", "-0.01"], "1.9864", "3.8210"),
    (["0.01", "0.01"], None, None),  # zero deviation, no losses
    (["0.05"], None, None),  # fewer than 2 returns
    ([], None, None),
]


@pytest.mark.parametrize(("returns", "expected_sharpe", "expected_sortino"), RATIO_CASES)
def test_sharpe_and_sortino_by_hand(
    returns: list[str], expected_sharpe: str | None, expected_sortino: str | None
) -> None:
    values = decimals(*returns)
    assert sharpe(values) == (None if expected_sharpe is None else Decimal(expected_sharpe))
    assert sortino(values) == (None if expected_sortino is None else Decimal(expected_sortino))


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        (["0.01", "0.02", "0.03"], "19.1050"),  # stdev 0.01 × √365 × 100 = 19.10497 %
        (["0.02", "-0.01", "0.02", "-0.01"], "33.0908"),  # 0.0173205 × 19.10497 × 100
        (["0.01", "0.01"], "0.0000"),
        (["0.01"], None),
    ],
)
def test_annualised_volatility(returns: list[str], expected: str | None) -> None:
    result = annualised_volatility(decimals(*returns))
    assert result == (None if expected is None else Decimal(expected))
