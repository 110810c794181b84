"""How a book's perpetual positions share margin (docs/domain.md "Margin")."""

from __future__ import annotations

from enum import StrEnum

from copytrade.domain.errors import InvalidValueError


class MarginMode(StrEnum):
    ISOLATED = "isolated"  # each position risks only its own margin (the default)
    CROSS = "cross"  # every perp of the book in one currency shares the book's cash

    @classmethod
    def parse(cls, value: object) -> MarginMode:
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value))
        except ValueError:
            raise InvalidValueError(
                f"margin mode must be one of {[m.value for m in cls]}, got {value!r}"
            ) from None


__all__ = ["MarginMode"]
