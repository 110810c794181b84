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
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, core_schema

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


def _whole_number(value: object) -> object:
    """A JSON integer: 5, or 5.0 (JSON Schema's "integer" admits both), never true or "5"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "true/false" if isinstance(value, bool) else type(value).__name__
        raise ValueError(f"send a whole number such as 5, not {kind}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"send a whole number such as 5, not {value}")
        return int(value)
    return value


# A count in a JSON body: what the schema calls "integer", and nothing looser.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_plain_decimal),
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "string", "pattern": PLAIN_DECIMAL, "examples": ["100.5"]}),
]


@dataclass(frozen=True, slots=True)
class Bounded:
    """A ``DecimalIn`` from ``low`` (or above it, ``above_low``) to ``high``, with at most
    ``decimals`` places; its JSON schema states the same as a pattern, since a schema
    cannot bound a number written as a string. The pattern takes the canonical text
    (no leading zeros; above zero, a fraction below 1 ends in a non-zero digit): every
    text it takes, the server takes (docs/api.md, Conventions)."""

    low: int
    high: int | Decimal
    decimals: int
    above_low: bool = False

    def __get_pydantic_core_schema__(self, _: Any, __: GetCoreSchemaHandler) -> CoreSchema:
        low = Decimal(self.low)
        number = core_schema.decimal_schema(
            allow_inf_nan=False,
            gt=low if self.above_low else None,
            ge=None if self.above_low else low,
            le=Decimal(self.high),
            decimal_places=self.decimals,
        )
        return core_schema.no_info_before_validator_function(_plain_decimal, number)

    def __get_pydantic_json_schema__(self, _: CoreSchema, __: GetJsonSchemaHandler) -> Any:
        return {"type": "string", "pattern": self.pattern(), "examples": [str(int(self.high))]}

    def pattern(self) -> str:
        return decimal_pattern(self.low, self.high, self.decimals, self.above_low)


def decimal_pattern(low: int, high: int | Decimal, decimals: int, above_low: bool) -> str:
    """A regular expression for plain decimals in [low, high] (low 0 or 1; high a digit
    times a power of ten, as every bound here is), ``(low, high]`` with ``above_low``."""
    text = str(int(high))
    lead, zeros = int(text[0]), len(text) - 1
    if low not in (0, 1) or text[1:] != "0" * zeros or zeros == 0 or (low == 1 and above_low):
        raise ValueError(f"no pattern for the bounds {low}..{high}")
    positive = f"[1-9][0-9]{{0,{zeros - 1}}}"  # 1 .. 10^zeros - 1
    if lead > 1:
        positive += f"|[1-{lead - 1}][0-9]{{{zeros}}}"  # 10^zeros .. high - 1
    fraction = f"(\\.[0-9]{{1,{decimals}}})?" if decimals else ""
    top = f"{text}(\\.0{{1,{decimals}}})?" if decimals else text
    choices = [f"(?:{positive}){fraction}", top]
    if low == 0 and not above_low:
        choices.insert(1, f"0{fraction}")
    elif low == 0 and decimals:
        choices.insert(1, f"0\\.[0-9]{{0,{decimals - 1}}}[1-9]")
    return "^(?:" + "|".join(choices) + ")$"


# A positive amount of money, on the currency's unit (USDT: 8 decimals).
Amount = Annotated[Decimal, Bounded(0, MAX_AMOUNT, USDT.precision, above_low=True)]
# A price in whole cents (subscriptions, the admin's caps).
Price = Annotated[Decimal, Bounded(0, MAX_AMOUNT, 2, above_low=True)]
Percent = Annotated[Decimal, Bounded(0, 100, 8)]
PositivePercent = Annotated[Decimal, Bounded(0, 100, 8, above_low=True)]

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
