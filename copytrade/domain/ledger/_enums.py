"""Parse a stored or user-given string into one of the ledger's enums."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from copytrade.domain.errors import InvalidValueError

E = TypeVar("E", bound=StrEnum)


def parse_enum(enum: type[E], value: object, what: str) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value))
    except ValueError:
        known = ", ".join(enum)
        raise InvalidValueError(f"unknown {what} {value!r}; use one of {known}") from None
