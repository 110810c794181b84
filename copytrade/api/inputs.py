"""Validated request values: money as decimal strings (or whole numbers), never floats.

A JSON number with a fraction reaches Python as a binary float, which cannot hold
most decimal amounts exactly, so it is refused with a message saying what to
send instead; NaN, infinities, negative amounts and absurd sizes are refused too.
Every refusal is a 422 with the field named (see errors.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from copytrade.domain.values import USDT

# Far above any real allocation, well inside the database's NUMERIC(38, 18).
MAX_AMOUNT = Decimal("1000000000000")


def _no_float(value: object) -> object:
    if isinstance(value, bool | float):
        raise ValueError(
            f'send numbers as decimal strings (e.g. "100.5") or whole numbers, '
            f"not {type(value).__name__} {value!r}"
        )
    if isinstance(value, str) and len(value) > 64:
        raise ValueError("a number has at most 64 characters")
    return value


DecimalIn = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False)]

# A positive amount of money, on the currency's unit (USDT: 8 decimals).
Amount = Annotated[
    DecimalIn,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=USDT.precision, examples=["100.50"]),
]

Percent = Annotated[DecimalIn, Field(ge=0, le=100)]

IdempotencyKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Any text unique to this operation; repeating it never moves money twice.",
        examples=["2026-11-25-deposit-1"],
    ),
]
