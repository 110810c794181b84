"""Standard normal draws computed in Decimal from integer random bits.

``random.gauss`` goes through the platform's ``log`` and ``cos``, whose last
bit may differ between C libraries. Here the only input is
``Random.getrandbits`` (the same Mersenne Twister stream everywhere) and the
only functions are Decimal's ``ln`` and ``sqrt``, which are correctly rounded
at a fixed precision; so a seed gives the same draws on every machine.
"""

from __future__ import annotations

import random
from decimal import Context, Decimal

_BITS = 32
_SCALE = Decimal(2**_BITS)
_ODD_OFFSET = 2**_BITS - 1
_MINUS_TWO = Decimal(-2)


class DecimalNormal:
    """N(0, 1) draws by Marsaglia's polar method, two per accepted pair."""

    __slots__ = ("_context", "_rng", "_spare")

    def __init__(self, rng: random.Random, context: Context) -> None:
        self._rng = rng
        self._context = context
        self._spare: Decimal | None = None

    def _uniform(self) -> Decimal:
        # An odd numerator over 2**32: uniform on (-1, 1), symmetric, never 0.
        return self._context.divide(Decimal(2 * self._rng.getrandbits(_BITS) - _ODD_OFFSET), _SCALE)

    def draw(self) -> Decimal:
        if self._spare is not None:
            spare, self._spare = self._spare, None
            return spare
        ctx = self._context
        while True:
            u, v = self._uniform(), self._uniform()
            s = ctx.add(ctx.multiply(u, u), ctx.multiply(v, v))
            if s < 1:  # s > 0 always: u and v are never 0
                break
        factor = ctx.sqrt(ctx.divide(ctx.multiply(_MINUS_TWO, ctx.ln(s)), s))
        self._spare = ctx.multiply(v, factor)
        return ctx.multiply(u, factor)
