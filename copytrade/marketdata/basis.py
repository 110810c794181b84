"""A perpetual's basis over its spot: small, mean-reverting, seeded (docs/marketdata.md).

A perp's price is held near its spot's by arbitrage (and funding): its basis
``perp / spot − 1`` wanders but keeps returning to zero. Modelled as an
Ornstein-Uhlenbeck process sampled exactly at each step,

    b_next = b × a + s × sqrt(1 − a²) × Z,   a = exp(−ln 2 × dt / half-life),

so the basis keeps the stationary standard deviation ``s`` whatever the step,
and a gap at the start halves every half-life. Decimal throughout, like the
price walk, so a seed gives the same basis on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Context, Decimal

from copytrade.marketdata.normal import DecimalNormal

# About ±0.1 % typical (one standard deviation): what liquid USDT perps show
# outside of squeezes.
BASIS_SD = Decimal("0.001")
# Eight hours, one funding period: the basis the funding pays against fades
# over about that long.
BASIS_HALF_LIFE_YEARS = Decimal(8) / Decimal(365 * 24)
_ONE = Decimal(1)


def spot_of(symbol: str) -> str | None:
    """The spot symbol a perp tracks (``BTC/USDT:USDT`` → ``BTC/USDT``); None for a spot."""
    market, colon, _settle = symbol.partition(":")
    return market if colon else None


def basis_path(rng: random.Random, start: Decimal, dt: Decimal, ctx: Context) -> Iterator[Decimal]:
    """The basis at each step: ``start``, then one mean-reverting step per step."""
    normal = DecimalNormal(rng, ctx)
    keep = ctx.exp(
        ctx.minus(ctx.divide(ctx.multiply(ctx.ln(Decimal(2)), dt), BASIS_HALF_LIFE_YEARS))
    )
    shock = ctx.multiply(BASIS_SD, ctx.sqrt(ctx.subtract(_ONE, ctx.multiply(keep, keep))))
    basis = start
    while True:
        yield basis
        basis = ctx.add(ctx.multiply(basis, keep), ctx.multiply(shock, normal.draw()))
