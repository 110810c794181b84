"""Properties of crossings on any series (hypothesis): counted, alternating, never twice."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.alerts.conditions import Values
from copytrade.domain.alerts.parser import parse_conditions

ABOVE = parse_conditions("price crosses above 100")
BELOW = parse_conditions("price crosses below 100")
LEVEL = parse_conditions("price above 100")
(PRICE,) = ABOVE.series

prices = st.lists(st.integers(min_value=95, max_value=105).map(Decimal), min_size=1,
                  max_size=60)


def hits(conditions: object, series: list[Decimal]) -> list[int]:
    def values(i: int) -> Values:
        return {PRICE: series[i]} if i >= 0 else {}

    assert hasattr(conditions, "triggered")
    return [i for i in range(len(series)) if conditions.triggered(values(i), values(i - 1))]


@given(prices)
def test_crossings_are_exactly_the_sign_changes(series: list[Decimal]) -> None:
    expected = [i for i in range(1, len(series)) if series[i - 1] <= 100 < series[i]]
    assert hits(ABOVE, series) == expected
    assert 0 not in hits(ABOVE, series)  # never on the first candle


@given(prices.filter(lambda series: Decimal(100) not in series))
def test_above_and_below_crossings_alternate_and_never_repeat(series: list[Decimal]) -> None:
    # Away from the threshold itself. On it they need not alternate: 101, 100, 101
    # crosses above again (from equal) without having crossed below (touching is not).
    up, down = hits(ABOVE, series), hits(BELOW, series)
    events = sorted([(i, "up") for i in up] + [(i, "down") for i in down])
    kinds = [kind for _, kind in events]
    assert all(a != b for a, b in pairwise(kinds))
    assert all(b - a > 1 for a, b in pairwise(up))


@given(prices)
def test_a_level_fires_where_a_crossing_would(series: list[Decimal]) -> None:
    # "price above 100" becomes true exactly where "price crosses above 100" holds.
    assert hits(LEVEL, series) == hits(ABOVE, series)
