"""Validated request values: money as decimal strings (or whole numbers), never floats.

A JSON number with a fraction reaches Python as a binary float, which cannot hold
most decimal amounts exactly, so it is refused with a message saying what to
send instead; NaN, infinities, negative amounts and absurd sizes are refused too.
Every refusal is a 422 with the field named (see errors.py).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from copytrade.domain.values import MAX_AMOUNT, USDT

_DECIMAL_TEXT = re.compile(r" *[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)? *")


def _exact_number(value: object) -> object:
    if isinstance(value, bool | float):
        raise ValueError(
            f'send numbers as decimal strings (e.g. "100.5") or whole numbers, '
            f"not {type(value).__name__} {value!r}"
        )
    if isinstance(value, str):
        if len(value) > 64:
            raise ValueError("a number has at most 64 characters")
        if not _DECIMAL_TEXT.fullmatch(value):
            raise ValueError(f'{value!r} is not a decimal number such as "100.5"')
    return value


DecimalIn = Annotated[Decimal, BeforeValidator(_exact_number), Field(allow_inf_nan=False)]

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
