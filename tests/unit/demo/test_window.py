import statistics
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.demo import PriceWindow
from copytrade.domain.errors import InvalidValueError

D = Decimal


def test_window_keeps_only_the_last_prices() -> None:
    window = PriceWindow(3)
    for price in ("1", "2", "3", "10"):
        window.push(D(price))
    # Holds 2, 3, 10: mean 5, sample variance ((−3)² + (−2)² + 5²) / 2 = 19.
    assert len(window) == 3 and window.full and window.oldest == 2
    assert window.mean() == 5
    assert window.stdev() == D(19).sqrt()


def test_equal_prices_have_zero_deviation() -> None:
    window = PriceWindow(4)
    for _ in range(6):
        window.push(D("60000.1"))
    assert window.stdev() == 0


@given(st.lists(st.integers(1, 10**7), min_size=2, max_size=40), st.integers(2, 12))
def test_mean_and_stdev_match_an_exact_computation(cents: list[int], size: int) -> None:
    window = PriceWindow(size)
    for c in cents:
        window.push(D(c) / 100)
    kept = [Fraction(c, 100) for c in cents[-size:]]
    # Cross-check with exact fractions (mean) and floats (stdev, a tolerance).
    assert Fraction(window.mean()) == pytest.approx(statistics.mean(kept), rel=1e-20)
    if len(kept) >= 2:
        expected = statistics.stdev(float(k) for k in kept)
        assert float(window.stdev()) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("size", [0, 1, True, 2.5])
def test_window_size_must_be_at_least_two(size: object) -> None:
    with pytest.raises(InvalidValueError, match="at least 2 prices"):
        PriceWindow(size)  # type: ignore[arg-type]


def test_empty_window_has_no_mean_and_one_price_no_deviation() -> None:
    window = PriceWindow(3)
    with pytest.raises(InvalidValueError, match="empty"):
        window.mean()
    window.push(D(1))
    with pytest.raises(InvalidValueError, match="needs 2 prices"):
        window.stdev()
