"""Validated request values: every number with a fraction, money above all, as a
JSON string of a plain decimal (``"100.5"``), never a JSON number.

A JSON number with a fraction reaches Python as a binary float, which cannot hold
most decimal amounts exactly, and Python's own ``Decimal()`` also reads ``"1_0"``,
``"1e400"`` or ``" NaN "``; so one type (``DecimalIn``) takes only digits with at
most one point and an optional minus sign, for every money, quantity, price,
leverage and percent field of every router (and the web forms). Every refusal is a
422 naming the field (see errors.py).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

from copytrade.domain.values import MAX_AMOUNT, USDT

MAX_DECIMAL_TEXT = 40  # characters: NUMERIC(38, 18) needs at most 38 digits, a sign, a point
PLAIN_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_PLAIN_DECIMAL = re.compile(PLAIN_DECIMAL)


def _plain_decimal(value: object) -> object:
    if isinstance(value, Decimal):  # built in Python (tests, the web forms' own values)
        return value
    if not isinstance(value, str):
        kind = "true/false" if isinstance(value, bool) else type(value).__name__
        raise ValueError(f'send the number as a decimal string such as "100.5", not {kind}')
    if len(value) > MAX_DECIMAL_TEXT:
        raise ValueError(f"a number has at most {MAX_DECIMAL_TEXT} characters")
    if not _PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(
            f'{value[:MAX_DECIMAL_TEXT]!r} is not a plain decimal such as "100.5": digits '
            "with at most one point, no exponent, underscores, spaces or NaN/Infinity"
        )
    return value


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_plain_decimal),
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "string", "pattern": PLAIN_DECIMAL, "examples": ["100.5"]}),
]

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
