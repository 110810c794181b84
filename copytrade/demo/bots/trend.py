"""Trend follower: a moving-average crossover on perps, leverage 3."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from copytrade.demo.bots.signal_bot import SignalBot
from copytrade.demo.orders import FLAT, LONG, SHORT
from copytrade.demo.window import PriceWindow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import HUNDRED, ONE

# Price-move thresholds, in percent (build_bot scales them for a served demo).
BAND_PCT = Decimal("0.2")


class TrendFollower(SignalBot):
    """Long when the fast mean is above the slow one by more than ``band_pct``
    percent, short when below it by more, flat in between.

    The band keeps the bot from flipping on every wiggle where the two means
    cross back and forth (each flip pays two taker fees). No signal until
    the slow window is full.
    """

    __slots__ = ("_fast", "_lower", "_upper")

    def __init__(
        self,
        instruments: Sequence[Instrument],
        *,
        fast: int = 12,
        slow: int = 48,
        band_pct: Decimal = BAND_PCT,
        leverage: Decimal = Decimal(3),
        margin_fraction: Decimal = Decimal("0.5"),
    ) -> None:
        if not 2 <= fast < slow:
            raise InvalidValueError(f"need 2 <= fast < slow, got fast {fast}, slow {slow}")
        if band_pct < 0:
            raise InvalidValueError(f"band_pct must not be negative, got {band_pct}")
        super().__init__(instruments, slow, leverage, margin_fraction)
        self._fast = {symbol: PriceWindow(fast) for symbol in self.symbols}
        self._upper = ONE + band_pct / HUNDRED
        self._lower = ONE - band_pct / HUNDRED

    def _signal(self, symbol: str, window: PriceWindow, price: Decimal) -> int | None:
        fast = self._fast[symbol]
        fast.push(price)
        if not window.full:
            return None
        fast_mean, slow_mean = fast.mean(), window.mean()
        if fast_mean > slow_mean * self._upper:
            return LONG
        if fast_mean < slow_mean * self._lower:
            return SHORT
        return FLAT
