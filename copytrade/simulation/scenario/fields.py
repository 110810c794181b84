"""Field types of the scenario schema: exact numbers, times and durations.

Each is a pydantic ``Annotated`` type whose validator reuses the domain's own
parsing (``to_decimal`` refuses floats), so the file format and the domain
agree on what a number or a time is.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import bounded_amount
from copytrade.marketdata.csv_bars import parse_timestamp

# Every schema model: unknown keys are errors, and nothing is coerced behind
# the author's back ("3" is not an int, "yes" is not a bool); models are frozen.
STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def _decimal(value: Any) -> Decimal:
    try:
        # The domain's one amount limit: what the platform could store (docs/domain.md).
        return bounded_amount(value, "value")
    except InvalidValueError as error:
        raise ValueError(str(error)) from None


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value}")
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    return value


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
    else:
        raise ValueError(f"must be an ISO-8601 time such as 2024-01-01T00:00:00Z, got {value!r}")
    try:
        return parse_timestamp(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is {error}") from None


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(value: Any) -> timedelta:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"must be a positive whole number with a unit s, m, h or d (e.g. 1h), got {value!r}"
        )
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


Number = Annotated[Decimal, BeforeValidator(_decimal)]
PositiveNumber = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_positive)]
NonNegativeNumber = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_not_negative)]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
