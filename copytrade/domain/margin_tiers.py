"""Maintenance margin tiers: the rate an exchange requires, by position notional.

Tiers work like tax brackets (docs/domain.md "Margin"): each tier's rate applies to
the part of the notional inside it, so the maintenance margin is continuous in the
notional. A tier may also cap the leverage a position of that notional may open with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO, to_decimal

MAX_RATE = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class MarginTier:
    """From ``floor`` (notional, quote currency) up: ``maintenance_rate`` and at most
    ``max_leverage`` (None: the instrument's max)."""

    floor: Decimal
    maintenance_rate: Decimal
    max_leverage: Decimal | None = None

    def __post_init__(self) -> None:
        floor = to_decimal(self.floor, "margin tier floor")
        rate = to_decimal(self.maintenance_rate, "margin tier maintenance_rate")
        if floor < ZERO:
            raise InvalidValueError(f"margin tier floor must not be negative, got {floor}")
        check_rate(rate, "margin tier maintenance_rate")
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "maintenance_rate", rate)
        if self.max_leverage is not None:
            leverage = to_decimal(self.max_leverage, "margin tier max_leverage")
            if leverage < 1:
                raise InvalidValueError(f"margin tier max_leverage must be >= 1, got {leverage}")
            object.__setattr__(self, "max_leverage", leverage)


def check_rate(rate: Decimal, what: str) -> Decimal:
    if not ZERO <= rate <= MAX_RATE:
        raise InvalidValueError(f"{what} is a rate 0..{MAX_RATE} (0.005 = 0.5 %), got {rate}")
    return rate


def check_tiers(tiers: Sequence[MarginTier], what: str) -> tuple[MarginTier, ...]:
    """Tiers start at 0, floors strictly increase, rates never decrease."""
    tiers = tuple(tiers)
    if not tiers:
        return tiers
    if tiers[0].floor != ZERO:
        raise InvalidValueError(f"{what}: the first margin tier must start at 0")
    for lower, upper in pairwise(tiers):
        if upper.floor <= lower.floor:
            raise InvalidValueError(f"{what}: margin tier floors must increase")
        if upper.maintenance_rate < lower.maintenance_rate:
            raise InvalidValueError(f"{what}: margin tier rates must not decrease")
    return tiers


@dataclass(frozen=True, slots=True)
class Bracket:
    """One tier as a line: maintenance = rate × notional − deduction on [low, high)."""

    low: Decimal
    high: Decimal | None
    rate: Decimal
    deduction: Decimal


def brackets(tiers: Sequence[MarginTier], flat_rate: Decimal) -> list[Bracket]:
    """The tiers as lines (no tiers: one line at ``flat_rate`` from 0)."""
    if not tiers:
        return [Bracket(ZERO, None, flat_rate, ZERO)]
    out: list[Bracket] = []
    deduction = ZERO
    for i, tier in enumerate(tiers):
        if i:
            prev = tiers[i - 1]
            # continuity at the floor: prev.rate × f − d_prev = rate × f − d
            deduction += (tier.maintenance_rate - prev.maintenance_rate) * tier.floor
        high = tiers[i + 1].floor if i + 1 < len(tiers) else None
        out.append(Bracket(tier.floor, high, tier.maintenance_rate, deduction))
    return out


def maintenance_for(tiers: Sequence[MarginTier], flat_rate: Decimal, notional: Decimal) -> Decimal:
    """The maintenance margin of a position of ``notional`` (exact, unrounded)."""
    for bracket in reversed(brackets(tiers, flat_rate)):
        if notional >= bracket.low:
            return bracket.rate * notional - bracket.deduction
    return ZERO


def tier_max_leverage(tiers: Sequence[MarginTier], notional: Decimal) -> Decimal | None:
    """The leverage cap of the tier ``notional`` falls in (None: no tier cap)."""
    cap = None
    for tier in tiers:
        if notional >= tier.floor:
            cap = tier.max_leverage
    return cap


__all__ = [
    "Bracket",
    "MarginTier",
    "brackets",
    "check_rate",
    "check_tiers",
    "maintenance_for",
    "tier_max_leverage",
]
