"""Split a total over weighted shares in whole steps, nothing created or lost
(docs/domain.md "Block execution", "Rounding"). Pure.

Each share gets ``total × weight / Σ weights`` rounded **down** to the step; the steps
left over go one each to the shares with the largest part rounded away, ties broken by
key (ascending), so the result depends only on the inputs, never on their order.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO, round_down


def apportion(
    total: Decimal,
    weights: Mapping[str, Decimal],
    step: Decimal,
    caps: Mapping[str, Decimal] | None = None,
) -> dict[str, Decimal]:
    """``total`` (a non-negative multiple of ``step``) over ``weights`` (≥ 0, not all 0
    when ``total`` > 0). The shares sum to ``total`` exactly; with ``caps`` (each a
    multiple of ``step``, the weights themselves when quantities are split by what each
    asked) no share exceeds its cap, and ``total`` must not exceed their sum."""
    if step <= ZERO:
        raise InvalidValueError(f"apportioning step must be positive, got {step}")
    if total < ZERO or total % step:
        raise InvalidValueError(f"cannot apportion {total}: not a non-negative multiple of {step}")
    if any(weight < ZERO for weight in weights.values()):
        raise InvalidValueError("apportioning weights must not be negative")
    whole = sum(weights.values(), ZERO)
    if total and not whole:
        raise InvalidValueError(f"cannot apportion {total} over no weight")
    limit = caps if caps is not None else None
    if limit is not None and total > sum(limit.values(), ZERO):
        raise InvalidValueError(f"cannot apportion {total}: more than the caps allow")
    shares: dict[str, Decimal] = {}
    rounded_away: dict[str, Decimal] = {}
    for key, weight in weights.items():
        exact = total * weight / whole if whole else ZERO
        share = round_down(exact, step)
        if limit is not None:
            share = min(share, limit[key])
        shares[key] = share
        rounded_away[key] = exact - share
    left = total - sum(shares.values(), ZERO)
    order = sorted(shares, key=lambda key: (-rounded_away[key], key))
    while left > ZERO:
        given = False
        for key in order:
            if left <= ZERO:
                break
            if limit is not None and shares[key] + step > limit[key]:
                continue
            shares[key] += step
            left -= step
            given = True
        if not given:  # pragma: no cover - excluded by the caps check above
            raise InvalidValueError(f"cannot apportion {left} more within the caps")
    return shares


__all__ = ["apportion"]
