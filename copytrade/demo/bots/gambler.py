"""Gambler: 20x on short-term momentum, flipping whenever it turns."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from copytrade.demo.bots.signal_bot import SignalBot
from copytrade.demo.orders import LONG, SHORT
from copytrade.demo.window import PriceWindow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import HUNDRED, ONE

# Price-move thresholds, in percent (build_bot scales them for a served demo).
MIN_MOVE_PCT = Decimal("0.5")


class Gambler(SignalBot):
    """Long when the price rose more than ``min_move_pct`` percent over the last
    ``lookback`` ticks, short when it fell more, otherwise hold; never flat.

    Big on purpose: 30 % of equity as margin at 20x is a position of 6× the
    equity, so a 3.4 % move against it costs 20 % of the equity, the default
    max-loss stop of a follower. The ``min_move_pct`` threshold only keeps
    the fees of flipping on noise from draining it within hours.
    """

    __slots__ = ("_down", "_up")

    def __init__(
        self,
        instruments: Sequence[Instrument],
        *,
        lookback: int = 8,
        min_move_pct: Decimal = MIN_MOVE_PCT,
        leverage: Decimal = Decimal(20),
        margin_fraction: Decimal = Decimal("0.3"),
    ) -> None:
        if lookback < 1:
            raise InvalidValueError(f"lookback must be at least 1 tick, got {lookback}")
        if min_move_pct < 0:
            raise InvalidValueError(f"min_move_pct must not be negative, got {min_move_pct}")
        # The window holds the price ``lookback`` ticks ago and every one since.
        super().__init__(instruments, lookback + 1, leverage, margin_fraction)
        self._up = ONE + min_move_pct / HUNDRED
        self._down = ONE - min_move_pct / HUNDRED

    def _signal(self, symbol: str, window: PriceWindow, price: Decimal) -> int | None:
        if not window.full:
            return None
        before = window.oldest
        if price > before * self._up:
            return LONG
        if price < before * self._down:
            return SHORT
        return None
