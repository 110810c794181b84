"""RESULT.json values: plain decimal strings, ISO times, floats refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from copytrade.adapters.jsonable import decimal_text, dump_result, to_jsonable
from copytrade.domain.copying import ReasonCode


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1000.00000000"), "1000"),  # SQL NUMERIC padding dropped
        (D("1E+3"), "1000"),  # never exponent notation
        (D("0.10"), "0.1"),
        (D("0E-8"), "0"),
        (D("-0"), "0"),
        (D("-14.28570"), "-14.2857"),
        (D("0.00000001"), "0.00000001"),  # not 1E-8
    ],
)
def test_decimal_text(value: D, text: str) -> None:
    assert decimal_text(value) == text


def test_to_jsonable_converts_every_kind() -> None:
    moment = datetime(2024, 1, 1, 3, tzinfo=UTC)
    value = {
        "d": D("2.50"),
        "t": moment,
        "day": date(2024, 1, 2),
        "hold": timedelta(hours=2, microseconds=500),
        "reason": ReasonCode.SLIPPAGE,
        "rows": (1, None, True),
    }
    assert to_jsonable(value) == {
        "d": "2.5",
        "t": "2024-01-01T03:00:00+00:00",
        "day": "2024-01-02",
        "hold": "7200.0005",
        "reason": "slippage",
        "rows": [1, None, True],
    }


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        to_jsonable({"x": 0.1})


def test_dump_sorts_keys() -> None:
    assert dump_result({"b": D(1), "a": D(2)}) == '{\n  "a": "2",\n  "b": "1"\n}\n'
