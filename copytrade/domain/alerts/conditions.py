"""Conditions and when they hold (docs/alerts.md, "When a rule fires").

A condition is read on a closed candle with the values of that candle (``now``) and
of the closed candle before it (``before``). A missing value (an indicator still
warming up, or no candle before) makes the condition false: never a guess.

- ``A crosses above B``: ``A <= B`` before and ``A > B`` now (``below``: ``>=``, ``<``).
- ``X turns positive``: ``X <= 0`` before and ``X > 0`` now (``negative``: ``>=``, ``<``).
- ``A above B``: ``A > B`` now (``below``: ``<``), a level.

Crossings and turns are events: true on one candle, never on two in a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from copytrade.domain.alerts.series import SeriesRef

Value = Decimal | float
Values = Mapping[SeriesRef, Value | None]
Operand = SeriesRef | Decimal


class Direction(Enum):
    ABOVE = "above"
    BELOW = "below"


class Sign(Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


def _value(operand: Operand, values: Values) -> Value | None:
    return operand if isinstance(operand, Decimal) else values.get(operand)


def _split(operand: Operand) -> tuple[SeriesRef | None, Decimal | None]:
    return (None, operand) if isinstance(operand, Decimal) else (operand, None)


def _text(operand: Operand) -> str:
    return f"{operand:,}" if isinstance(operand, Decimal) and abs(operand) >= 10000 else str(
        operand
    )


@dataclass(frozen=True, slots=True)
class Compare:
    """``left above right`` (a level) or, with ``crossing``, ``left crosses above right``."""

    left: Operand
    direction: Direction
    right: Operand
    crossing: bool = False
    # Split once into "a series to look up" or "a number": read on every closed candle
    # by every rule group, so kept to plain attribute reads.
    _above: bool = field(init=False, repr=False, compare=False)
    _left: tuple[SeriesRef | None, Decimal | None] = field(init=False, repr=False, compare=False)
    _right: tuple[SeriesRef | None, Decimal | None] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_above", self.direction is Direction.ABOVE)
        object.__setattr__(self, "_left", _split(self.left))
        object.__setattr__(self, "_right", _split(self.right))

    @property
    def event(self) -> bool:
        return self.crossing

    def _side(self, values: Values) -> bool | None:
        """``left`` above (below) ``right``, None when either is missing. Exact when both
        are Decimal (prices, numbers); an indicator value is a float and the comparison
        is then done in floats."""
        ref, number = self._left
        a = number if ref is None else values.get(ref)
        if a is None:
            return None
        ref, number = self._right
        b = number if ref is None else values.get(ref)
        if b is None:
            return None
        if a.__class__ is not b.__class__:
            a, b = float(a), float(b)
        return a > b if self._above else a < b

    def holds(self, now: Values, before: Values) -> bool:
        if self._side(now) is not True:
            return False
        return not self.crossing or self._side(before) is False

    def __str__(self) -> str:
        verb = "crosses " if self.crossing else ""
        return f"{_text(self.left)} {verb}{self.direction.value} {_text(self.right)}"


def crosses(left: Operand, direction: Direction, right: Operand) -> Compare:
    """``left crosses above/below right``."""
    return Compare(left, direction, right, crossing=True)


@dataclass(frozen=True, slots=True)
class Turns:
    """``series turns positive``: it crosses above zero (``negative``: below)."""

    series: SeriesRef
    sign: Sign
    # The crossing of zero it means, built once: it is read on every closed candle.
    _crossing: Compare = field(init=False, repr=False, compare=False)

    event: ClassVar[bool] = True

    def __post_init__(self) -> None:
        direction = Direction.ABOVE if self.sign is Sign.POSITIVE else Direction.BELOW
        object.__setattr__(self, "_crossing", crosses(self.series, direction, Decimal(0)))

    def holds(self, now: Values, before: Values) -> bool:
        return self._crossing.holds(now, before)

    def __str__(self) -> str:
        return f"{self.series} turns {self.sign.value}"


Condition = Compare | Turns


@dataclass(frozen=True, slots=True)
class Conditions:
    """Conditions joined by AND, as one rule holds them."""

    parts: tuple[Condition, ...]
    # Computed once: rules are grouped by their conditions on every closed candle.
    _hash: int = field(init=False, repr=False, compare=False)
    series: frozenset[SeriesRef] = field(init=False, repr=False, compare=False)
    _text: str = field(init=False, repr=False, compare=False)
    _event: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.parts))
        object.__setattr__(self, "_event", any(part.event for part in self.parts))
        object.__setattr__(self, "_text", " AND ".join(str(part) for part in self.parts))
        found: set[SeriesRef] = set()
        for part in self.parts:
            operands = (part.series,) if isinstance(part, Turns) else (part.left, part.right)
            found.update(o for o in operands if isinstance(o, SeriesRef))
        object.__setattr__(self, "series", frozenset(found))

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        return self._text

    def triggered(self, now: Values, before: Values) -> bool:
        """True on the candle where the AND of the parts becomes true.

        With a crossing or a turn among the parts, that is simply "all hold now" (an
        event cannot hold on two candles in a row). With levels only, the AND must have
        been false on the candle before: a rule fires when ``price above 70000``
        becomes true, not on every candle while it stays true; with no candle before,
        it does not fire.
        """
        for part in self.parts:
            if not part.holds(now, before):
                return False
        if self._event:
            return True
        had_before = all(_value(o, before) is not None for o in self.series)
        return had_before and not all(part.holds(before, {}) for part in self.parts)
