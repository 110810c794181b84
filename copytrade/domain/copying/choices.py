"""Parsing a named choice (a StrEnum member) with an error that lists the valid names."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from copytrade.domain.errors import InvalidValueError

E = TypeVar("E", bound=StrEnum)


def parse_choice(choices: type[E], value: object, what: str) -> E:
    """``value`` as a member of ``choices`` (case and spaces forgiven), or a clear error."""
    if isinstance(value, choices):
        return value
    try:
        return choices(str(value).strip().lower())
    except ValueError:
        raise InvalidValueError(
            f"{what} must be one of {[c.value for c in choices]}, got {value!r}"
        ) from None
