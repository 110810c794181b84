"""Mean reverter: fades prices far from their rolling mean, on perps, leverage 2."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from copytrade.demo.bots.signal_bot import SignalBot
from copytrade.demo.orders import FLAT, LONG, SHORT
from copytrade.demo.window import PriceWindow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ZERO


class MeanReverter(SignalBot):
    """z = (price − mean) / stdev over the window (price included).

    z ≥ ``entry_z``: short (sell the spike); z ≤ −``entry_z``: long (buy the
    dip); |z| ≤ ``exit_z``: flat (back near the mean, take the profit);
    otherwise keep what is held. No signal until the window is full or while
    the prices in it are all equal.
    """

    __slots__ = ("_entry_z", "_exit_z")

    def __init__(
        self,
        instruments: Sequence[Instrument],
        *,
        window: int = 36,
        entry_z: Decimal = Decimal(2),
        exit_z: Decimal = Decimal("0.5"),
        leverage: Decimal = Decimal(2),
        margin_fraction: Decimal = Decimal("0.5"),
    ) -> None:
        if not ZERO <= exit_z < entry_z:
            raise InvalidValueError(
                f"need 0 <= exit_z < entry_z, got exit_z {exit_z}, entry_z {entry_z}"
            )
        super().__init__(instruments, window, leverage, margin_fraction)
        self._entry_z = entry_z
        self._exit_z = exit_z

    def _signal(self, symbol: str, window: PriceWindow, price: Decimal) -> int | None:
        if not window.full:
            return None
        deviation = window.stdev()
        if deviation == ZERO:
            return None
        z = (price - window.mean()) / deviation
        if z >= self._entry_z:
            return SHORT
        if z <= -self._entry_z:
            return LONG
        if abs(z) <= self._exit_z:
            return FLAT
        return None
