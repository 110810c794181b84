"""The max-loss auto-stop rule (docs/domain.md, Copying).

``drawdown = 1 − copy_equity / net_allocated``, net_allocated = allocations −
withdrawals. When it reaches ``max_loss_pct`` the relationship closes all its
copied positions at market and stops with reason ``max_loss``.
"""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.values import HUNDRED, ONE, ZERO


def drawdown(copy_equity: Decimal, net_allocated: Decimal) -> Decimal:
    """Fraction of the net capital lost (0.25 = 25 %); negative is a gain.

    With net_allocated ≤ 0 the follower has already taken out at least all it
    put in: no allocated capital is left to lose, so the drawdown is 0.
    """
    if net_allocated <= ZERO:
        return ZERO
    return ONE - copy_equity / net_allocated


def max_loss_reached(copy_equity: Decimal, net_allocated: Decimal, max_loss_pct: Decimal) -> bool:
    """Whether ``drawdown(...) ≥ max_loss_pct`` percent; never with net_allocated ≤ 0."""
    return loss_fraction_reached(copy_equity, net_allocated, max_loss_pct / HUNDRED)


def loss_fraction_reached(
    copy_equity: Decimal, net_allocated: Decimal, max_loss_fraction: Decimal
) -> bool:
    """The same rule with the threshold as a fraction, for the per-follower hot path.

    ``1 − e/n ≥ f`` is tested as ``e ≤ n·(1 − f)`` (n > 0): an exact
    multiplication instead of a rounded division, so the boundary is exact.
    """
    if net_allocated <= ZERO:
        return False
    return copy_equity <= net_allocated * (ONE - max_loss_fraction)
