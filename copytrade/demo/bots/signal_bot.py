"""What the perp bots share: per-symbol price windows, sizing and flips.

A subclass only says which direction it wants each tick (``_signal``); this
class turns that into orders. Sizing: on opening, the position's margin is
``equity × margin_fraction / number of symbols`` (notional = margin ×
leverage), so all the bot's positions together lock at most
``margin_fraction`` of its equity, and each opening finds that margin free
(docs/demo.md derives it). A position is not resized while held.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

from copytrade.demo.orders import BotOrder, margin_qty, orders_toward
from copytrade.demo.window import BOT_CONTEXT, PriceWindow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, ZERO
from copytrade.marketdata.ticks import PriceTick


class SignalBot:
    """Base of the perp bots: subclasses implement ``_signal``."""

    __slots__ = ("_instruments", "_leverage", "_margin_fraction", "_symbols", "_windows")

    def __init__(
        self,
        instruments: Sequence[Instrument],
        window: int,
        leverage: Decimal,
        margin_fraction: Decimal,
    ) -> None:
        if not 1 <= len(instruments) <= 2:
            raise InvalidValueError(f"a demo bot trades one or two symbols, got {len(instruments)}")
        for instrument in instruments:
            if instrument.is_spot:
                raise InvalidValueError(
                    f"{type(self).__name__} trades perps; {instrument.symbol} is spot"
                )
            if leverage > instrument.max_leverage:
                raise InvalidValueError(
                    f"leverage {leverage} exceeds {instrument.symbol}'s max "
                    f"{instrument.max_leverage}"
                )
        if not ZERO < margin_fraction <= ONE:
            raise InvalidValueError(f"margin_fraction must be in (0, 1], got {margin_fraction}")
        self._instruments = {instrument.symbol: instrument for instrument in instruments}
        self._symbols = tuple(self._instruments)
        self._windows = {symbol: PriceWindow(window) for symbol in self._symbols}
        self._leverage = instruments[0].cap_leverage(leverage)
        self._margin_fraction = margin_fraction

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._symbols

    @property
    def leverage(self) -> Decimal:
        return self._leverage

    def on_tick(self, tick: PriceTick, position_qty: Decimal, equity: Decimal) -> list[BotOrder]:
        instrument = self._instruments.get(tick.symbol)
        if instrument is None:
            return []
        with localcontext(BOT_CONTEXT):
            window = self._windows[tick.symbol]
            window.push(tick.price)
            direction = self._signal(tick.symbol, window, tick.price)
            if direction is None:
                return []
            margin = equity * self._margin_fraction / len(self._symbols)
            open_qty = margin_qty(margin, self._leverage, tick.price)
            return orders_toward(
                instrument, position_qty, direction, tick.price, open_qty, self._leverage
            )

    def _signal(self, symbol: str, window: PriceWindow, price: Decimal) -> int | None:
        """LONG, FLAT or SHORT to be in now; None to keep whatever is held.

        ``window`` already holds ``price`` as its newest entry; this runs
        inside ``BOT_CONTEXT``, so plain Decimal arithmetic is deterministic.
        """
        raise NotImplementedError
