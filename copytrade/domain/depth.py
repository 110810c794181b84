"""A market's depth as the paper venue models it (docs/venues.md "Depth").

``levels`` price levels on each side of the mark, ``spacing`` apart, each offering
``level_size`` of the base asset: a buy takes the mark, then mark + spacing, ...; a
sell the mark, then mark − spacing, ... An instrument without one (the default) has
unlimited size at the mark: every order fills in one part, as before depth existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO, to_decimal

MAX_LEVELS = 1000


@dataclass(frozen=True, slots=True)
class BookDepth:
    level_size: Decimal
    spacing: Decimal
    levels: int = 10

    def __post_init__(self) -> None:
        for name in ("level_size", "spacing"):
            value = to_decimal(getattr(self, name), f"depth {name}")
            if value <= ZERO:
                raise InvalidValueError(f"depth {name} must be positive, got {value}")
            object.__setattr__(self, name, value)
        if type(self.levels) is not int or not 1 <= self.levels <= MAX_LEVELS:
            raise InvalidValueError(
                f"depth levels must be an integer 1..{MAX_LEVELS}, got {self.levels!r}"
            )

    @property
    def total(self) -> Decimal:
        """All one side of the book offers: what a crossing price gives resting orders."""
        return self.level_size * self.levels

    def to_text(self) -> str:
        return f"{self.level_size}:{self.spacing}:{self.levels}"

    @classmethod
    def from_text(cls, text: str) -> BookDepth | None:
        if not text:
            return None
        size, spacing, levels = text.split(":")
        return cls(Decimal(size), Decimal(spacing), int(levels))


__all__ = ["MAX_LEVELS", "BookDepth"]
