"""Reading and checking web form input: every problem becomes a message, never a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from copytrade.api.errors import status_of
from copytrade.api.inputs import DecimalIn
from copytrade.domain.values import MAX_AMOUNT, USDT

E = TypeVar("E", bound=StrEnum)
_FORM_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_NUMBER: TypeAdapter[Decimal] = TypeAdapter(DecimalIn)


class FormError(ValueError):
    """A field the user must correct; the page is shown again with this message."""


def text(data: Mapping[str, object], name: str, max_length: int = 256, strip: bool = True) -> str:
    value = data.get(name)
    found = "" if not isinstance(value, str) else value.strip() if strip else value
    if len(found) > max_length:
        raise FormError(f"{name.replace('_', ' ')} is too long (at most {max_length} characters)")
    return found


def kept(data: Mapping[str, object], *names: str, max_length: int = 254) -> dict[str, str]:
    """What the user typed, cut short, to show in the form again (passwords never)."""
    return {name: text(data, name, 100_000)[:max_length] for name in names}


def decimal_or_none(
    data: Mapping[str, object], name: str, low: Decimal | None = None, high: Decimal | None = None
) -> Decimal | None:
    raw = text(data, name, 40)
    if not raw:
        return None
    try:
        value = _NUMBER.validate_python(raw)  # the API's rule for decimal text
    except ValidationError:
        raise FormError(f"{name.replace('_', ' ')} must be a number, got {raw!r}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low if low is not None else '…'} to {high if high is not None else '…'}"
        raise FormError(f"{name.replace('_', ' ')} must be a number from {bounds}")
    return value


def amount(data: Mapping[str, object], name: str) -> Decimal:
    """A required positive amount of USDT, on the currency's unit, as the API takes it."""
    value = decimal_or_none(data, name, low=Decimal(0), high=MAX_AMOUNT)
    label = name.replace("_", " ")
    if value is None:
        raise FormError(f"enter the {label} in {USDT.code}")
    if value <= 0 or value != round(value, USDT.precision):
        raise FormError(f"the {label} must be more than 0, with at most {USDT.precision} decimals")
    return value


def int_or_none(
    data: Mapping[str, object], name: str, low: int = 0, high: int = 10**9
) -> int | None:
    raw = text(data, name, 12)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise FormError(f"{name.replace('_', ' ')} must be a whole number from {low} to {high}")
    return int(raw)


def choice(data: Mapping[str, object], name: str, kind: type[E], default: E | None) -> E | None:
    raw = text(data, name, 40)
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        options = ", ".join(member.value for member in kind)
        raise FormError(f"{name.replace('_', ' ')} must be one of {options}") from None


def error_status(error: Exception) -> int:
    """The status a re-rendered form answers with: 422 for a field, the API's for the rest."""
    return 422 if isinstance(error, FormError) else status_of(error)[0]


def once_key(
    data: Mapping[str, object], name: str = "key", pattern: re.Pattern[str] = _FORM_KEY
) -> str:
    """The key a form carries so that sending it twice acts once (deposits, top-ups,
    orders): the page puts a fresh one in each form it shows."""
    key = text(data, name, 100)
    if not pattern.match(key):
        raise FormError("this form is out of date: reload the page and try again")
    return key
