"""``WholeNumber``: what JSON Schema calls an integer (5 and 5.0), nothing looser."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from copytrade.api.inputs import WholeNumber


class Body(BaseModel):
    count: WholeNumber


@pytest.mark.parametrize(("sent", "read"), [(5, 5), (5.0, 5), (-3, -3), (1e3, 1000)])
def test_integers_and_integral_floats_are_read_as_ints(sent: object, read: int) -> None:
    value = Body.model_validate({"count": sent}).count
    assert value == read and type(value) is int


@pytest.mark.parametrize("sent", [True, False, "5", 2.5, None, [5], float("nan")])
def test_anything_else_is_refused(sent: object) -> None:
    with pytest.raises(ValidationError):
        Body.model_validate({"count": sent})
