"""A bounded decimal's pattern (inputs.Bounded): every text it takes, the validator
takes, and it takes the bounds themselves and the usual values between them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from copytrade.api.inputs import Bounded, decimal_pattern
from copytrade.domain.values import MAX_AMOUNT

BOUNDS = [
    Bounded(0, MAX_AMOUNT, 8, above_low=True),
    Bounded(0, 100, 8),
    Bounded(0, 100, 8, above_low=True),
    Bounded(0, 30, 10),
    Bounded(1, 200, 9),
    Bounded(1, 1000, 8),
    Bounded(0, 10, 8, above_low=True),
    Bounded(0, MAX_AMOUNT, 2, above_low=True),
]


@pytest.mark.parametrize("bounds", BOUNDS, ids=repr)
def test_every_text_the_pattern_takes_is_valid(bounds: Bounded) -> None:
    adapter: TypeAdapter[Decimal] = TypeAdapter(Annotated[Decimal, bounds])

    @settings(max_examples=100, deadline=None, database=None)
    @given(st.from_regex(re.compile(bounds.pattern()), fullmatch=True))
    def taken(text: str) -> None:
        value = adapter.validate_python(text)
        low, high = Decimal(bounds.low), Decimal(bounds.high)
        assert (value > low if bounds.above_low else value >= low) and value <= high

    taken()


def test_the_pattern_takes_the_bounds_and_values_between_and_refuses_others() -> None:
    percent = re.compile(decimal_pattern(0, 100, 8, False))
    assert [
        t for t in ("0", "0.5", "12.25", "99.99999999", "100", "100.0") if percent.match(t)
    ] == ["0", "0.5", "12.25", "99.99999999", "100", "100.0"]
    assert not any(percent.match(t) for t in ("100.1", "101", "-1", "1e2", "1.123456789", ""))
    positive = re.compile(decimal_pattern(0, 30, 2, True))
    assert positive.match("0.01") and positive.match("29.99") and positive.match("30")
    assert not any(positive.match(t) for t in ("0", "0.00", "30.01", "31"))
    leverage = re.compile(decimal_pattern(1, 200, 9, False))
    assert leverage.match("1") and leverage.match("199.5") and leverage.match("200")
    assert not any(leverage.match(t) for t in ("0.5", "0", "200.5", "201"))


def test_a_bound_the_pattern_cannot_state_is_refused_when_declared() -> None:
    for low, high in ((2, 100), (0, 25), (0, 7)):
        with pytest.raises(ValueError, match="no pattern"):
            decimal_pattern(low, high, 8, False)
    adapter: TypeAdapter[Decimal] = TypeAdapter(Annotated[Decimal, Bounded(0, 100, 2)])
    with pytest.raises(ValidationError):
        adapter.validate_python(1)  # a JSON number, not a decimal string
