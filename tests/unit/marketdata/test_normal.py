import random
import statistics
from decimal import Context, Decimal

from copytrade.marketdata.normal import DecimalNormal


def draws(seed: int, count: int) -> list[Decimal]:
    normal = DecimalNormal(random.Random(seed), Context(prec=28))
    return [normal.draw() for _ in range(count)]


def test_same_seed_same_draws_pinned() -> None:
    # Pinned: a change here changes every synthetic price series ever recorded.
    assert draws(7, 2) == [
        Decimal("-0.1430592244121424416479131524"),
        Decimal("0.3636957267587046495987252434"),
    ]
    assert draws(7, 50) == draws(7, 50)
    assert draws(7, 50) != draws(8, 50)


def test_draws_are_standard_normal() -> None:
    # 20,000 draws: the sample mean's standard error is 0.007, the sd's 0.005;
    # the tolerances below are about six of them.
    sample = [float(z) for z in draws(2024, 20_000)]
    assert abs(statistics.fmean(sample)) < 0.04
    assert abs(statistics.stdev(sample) - 1) < 0.03
    share_within_one = sum(abs(z) < 1 for z in sample) / len(sample)
    assert abs(share_within_one - 0.6827) < 0.02
