"""A deterministic synthetic price feed: seeded geometric Brownian motion.

Each step multiplies a symbol's price by ``exp(r)`` with the log-return
``r = (mu - sigma**2 / 2) * dt + sigma * sqrt(dt) * Z``, Z ~ N(0, 1), dt the
step in years of 365 days (crypto trades every day). A perpetual whose spot
is in the same feed does not walk on its own: it follows the spot's path
times ``1 + basis``, a small mean-reverting basis (marketdata/basis.py), as a
real perp tracks its spot. All of it is Decimal at a fixed precision, so a
seed gives the same ticks on every run and machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Context, Decimal, localcontext

from copytrade.domain.values import Price, round_to_step
from copytrade.marketdata.basis import basis_path, spot_of
from copytrade.marketdata.clock import as_utc
from copytrade.marketdata.errors import InvalidMarketDataError
from copytrade.marketdata.normal import DecimalNormal
from copytrade.marketdata.specs import SymbolSpec
from copytrade.marketdata.ticks import PriceTick

# Fixed here rather than taken from the thread's decimal context, which a
# caller may have changed: the same seed must give the same digits anywhere.
_CONTEXT = Context(prec=28)
_MICROSECONDS_PER_YEAR = Decimal(365 * 24 * 3600 * 1_000_000)
_ONE = Decimal(1)
_TWO = Decimal(2)
_TREND_BITS = 32
_TRENDS = (-1, 0, 1)


def _rounded(exact: Decimal, tick: Decimal) -> Price:
    """A price on the tick grid, never below one tick (so never zero or negative)."""
    with localcontext(_CONTEXT):
        rounded = round_to_step(exact, tick)
    return Price(max(rounded, tick))


def _exact_path(spec: SymbolSpec, seed: int, dt: Decimal) -> Iterator[Decimal]:
    """``spec``'s unrounded prices: the start price, then one per step.

    Callers round each price to the tick, but the walk continues from the
    unrounded price, so a tick that is large next to one step's move does not
    freeze the price.
    """
    ctx = _CONTEXT
    rng = _generator(seed, spec.symbol)
    normal = DecimalNormal(rng, ctx)
    sigma = spec.annual_volatility
    vol_term = ctx.multiply(sigma, ctx.sqrt(dt))
    half_variance = ctx.divide(ctx.multiply(sigma, sigma), _TWO)
    change_probability = min(ctx.multiply(spec.trend_changes_per_year, dt), Decimal(1))
    change_threshold = int(ctx.multiply(change_probability, Decimal(2**_TREND_BITS)))
    trend = 0
    exact = spec.start_price
    while True:
        yield exact
        if change_threshold and rng.getrandbits(_TREND_BITS) < change_threshold:
            trend = rng.choice([t for t in _TRENDS if t != trend])
        mu = ctx.add(spec.annual_drift, ctx.multiply(Decimal(trend), spec.trend_drift))
        drift_term = ctx.multiply(ctx.subtract(mu, half_variance), dt)
        log_return = ctx.add(drift_term, ctx.multiply(vol_term, normal.draw()))
        exact = ctx.multiply(exact, ctx.exp(log_return))


def _generator(seed: int, symbol: str) -> random.Random:
    # One generator per symbol, seeded by (seed, symbol): adding a symbol to a
    # feed does not change the other symbols' paths. A str seed is hashed
    # with SHA-512, independent of PYTHONHASHSEED.
    return random.Random(f"{seed}/{symbol}")


def _tracked_spots(specs: Sequence[SymbolSpec]) -> dict[str, SymbolSpec]:
    """Perp symbol -> the spec of its spot, for the perps whose spot is in ``specs``."""
    by_symbol = {spec.symbol: spec for spec in specs}
    return {
        spec.symbol: by_symbol[spot]
        for spec in specs
        if (spot := spot_of(spec.symbol)) is not None and spot in by_symbol
    }


class SyntheticFeed:
    """``steps`` ticks per symbol at ``start``, ``start + step``, ...

    At each time the symbols come in the order of ``specs``. Iterating again
    replays the same ticks.
    """

    __slots__ = ("_dt", "_seed", "_specs", "_start", "_step", "_steps", "_symbols")

    def __init__(
        self,
        seed: int,
        specs: Sequence[SymbolSpec],
        start: datetime,
        step: timedelta,
        steps: int,
    ) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise InvalidMarketDataError(f"seed must be an integer, got {seed!r}")
        if not specs:
            raise InvalidMarketDataError("a synthetic feed needs at least one symbol spec")
        symbols = tuple(spec.symbol for spec in specs)
        duplicates = sorted({s for s in symbols if symbols.count(s) > 1})
        if duplicates:
            raise InvalidMarketDataError(f"symbols given twice: {', '.join(duplicates)}")
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise InvalidMarketDataError(f"step must be a positive timedelta, got {step!r}")
        if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
            raise InvalidMarketDataError(f"steps must be a positive integer, got {steps!r}")
        self._seed = seed
        self._specs = tuple(specs)
        self._symbols = symbols
        self._start = as_utc(start, "synthetic feed start")
        self._step = step
        self._steps = steps
        microseconds = Decimal(step // timedelta(microseconds=1))
        self._dt = _CONTEXT.divide(microseconds, _MICROSECONDS_PER_YEAR)

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._symbols

    @property
    def end(self) -> datetime:
        """The time of the last ticks."""
        return self._start + self._step * (self._steps - 1)

    def __iter__(self) -> Iterator[PriceTick]:
        ctx, dt = _CONTEXT, self._dt
        spots = _tracked_spots(self._specs)
        walks = {
            spec.symbol: _exact_path(spec, self._seed, dt)
            for spec in self._specs
            if spec.symbol not in spots
        }
        # A perp starts at the basis its start price has over its spot's (none
        # with the default specs), then mean-reverts to zero.
        bases = {
            spec.symbol: basis_path(
                _generator(self._seed, spec.symbol),
                ctx.subtract(ctx.divide(spec.start_price, spots[spec.symbol].start_price), _ONE),
                dt,
                ctx,
            )
            for spec in self._specs
            if spec.symbol in spots
        }
        for index in range(self._steps):
            ts = self._start + self._step * index
            exact = {symbol: next(walk) for symbol, walk in walks.items()}
            for spec in self._specs:
                if spec.symbol in spots:
                    spot_price = exact[spots[spec.symbol].symbol]
                    factor = ctx.add(_ONE, next(bases[spec.symbol]))
                    price = ctx.multiply(spot_price, factor)
                else:
                    price = exact[spec.symbol]
                yield PriceTick(spec.symbol, ts, _rounded(price, spec.tick))
