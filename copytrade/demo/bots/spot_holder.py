"""Careful spot holder: buys dips in slices, takes partial profits, never shorts."""

from __future__ import annotations

from decimal import Decimal, localcontext

from copytrade.demo.orders import BotOrder, market_order
from copytrade.demo.window import BOT_CONTEXT, PriceWindow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.values import HUNDRED, ONE, ZERO
from copytrade.marketdata.ticks import PriceTick

_SPOT_LEVERAGE = ONE


# Price-move thresholds, in percent (build_bot scales them for a served demo).
DIP_PCT = Decimal(2)
TAKE_PROFIT_PCT = Decimal(5)


class SpotHolder:
    """One spot symbol, long only, leverage 1.

    Buys a slice of ``slice_fraction`` × equity when it holds nothing (once
    the window is full) or when the price is ``dip_pct`` percent below the
    window's mean, as long as its holding stays within ``max_exposure`` of
    its equity, so the cash always covers the slice and its fee. Sells
    ``take_fraction`` of the holding when the price is ``take_profit_pct``
    percent above its average cost, all of it where the rest would be
    unsellable dust. At most one trade per ``cooldown`` ticks.

    The average cost is learnt from the holdings the engine reports: a rise
    since the last tick is taken as bought at the price of the buy the bot
    asked for then (market orders fill at the price in force).
    """

    __slots__ = (
        "_cooldown",
        "_cost",
        "_dip",
        "_held_seen",
        "_instrument",
        "_last_buy_price",
        "_max_exposure",
        "_quiet",
        "_slice",
        "_take",
        "_take_fraction",
        "_window",
    )

    def __init__(
        self,
        instrument: Instrument,
        *,
        window: int = 48,
        dip_pct: Decimal = DIP_PCT,
        slice_fraction: Decimal = Decimal("0.1"),
        max_exposure: Decimal = Decimal("0.8"),
        take_profit_pct: Decimal = TAKE_PROFIT_PCT,
        take_fraction: Decimal = Decimal("0.33"),
        cooldown: int = 12,
    ) -> None:
        if not instrument.is_spot:
            raise InvalidValueError(f"SpotHolder trades spot; {instrument.symbol} is a perp")
        if not ZERO < slice_fraction <= max_exposure < ONE:
            raise InvalidValueError(
                f"need 0 < slice_fraction <= max_exposure < 1, got {slice_fraction} "
                f"and {max_exposure}"
            )
        if not ZERO < take_fraction <= ONE:
            raise InvalidValueError(f"take_fraction must be in (0, 1], got {take_fraction}")
        if cooldown < 0:
            raise InvalidValueError(f"cooldown must not be negative, got {cooldown}")
        self._instrument = instrument
        self._window = PriceWindow(window)
        self._dip = ONE - dip_pct / HUNDRED
        self._take = ONE + take_profit_pct / HUNDRED
        self._slice = slice_fraction
        self._max_exposure = max_exposure
        self._take_fraction = take_fraction
        self._cooldown = cooldown
        self._quiet = 0  # ticks left before the next trade is allowed
        self._cost: Decimal | None = None
        self._held_seen = ZERO
        self._last_buy_price: Decimal | None = None

    @property
    def symbols(self) -> tuple[str, ...]:
        return (self._instrument.symbol,)

    @property
    def average_cost(self) -> Decimal | None:
        return self._cost

    def on_tick(self, tick: PriceTick, position_qty: Decimal, equity: Decimal) -> list[BotOrder]:
        if tick.symbol != self._instrument.symbol:
            return []
        with localcontext(BOT_CONTEXT):
            held = max(position_qty, ZERO)
            self._learn_cost(held)
            self._window.push(tick.price)
            if self._quiet:
                self._quiet -= 1
                return []
            order = self._decide(tick.price, held, equity)
            if order is None:
                return []
            self._quiet = self._cooldown
            self._last_buy_price = tick.price if order.side is Side.BUY else None
            return [order]

    def _learn_cost(self, held: Decimal) -> None:
        bought = held - self._held_seen
        if held == ZERO:
            self._cost = None
        elif bought > ZERO and self._last_buy_price is not None:
            old = self._cost if self._cost is not None else self._last_buy_price
            self._cost = (old * self._held_seen + self._last_buy_price * bought) / held
        self._held_seen = held
        self._last_buy_price = None

    def _decide(self, price: Decimal, held: Decimal, equity: Decimal) -> BotOrder | None:
        if held and self._cost is not None and price >= self._cost * self._take:
            return self._sell(price, held)
        if not self._window.full:
            return None
        if held == ZERO or price <= self._window.mean() * self._dip:
            return self._buy(price, held, equity)
        return None

    def _buy(self, price: Decimal, held: Decimal, equity: Decimal) -> BotOrder | None:
        slice_value = equity * self._slice
        if held * price + slice_value > equity * self._max_exposure:
            return None
        return market_order(self._instrument, Side.BUY, slice_value / price, price, _SPOT_LEVERAGE)

    def _sell(self, price: Decimal, held: Decimal) -> BotOrder | None:
        instrument = self._instrument
        part = instrument.round_qty(held * self._take_fraction)
        # Where what would be left is dust, sell it all now.
        qty = part if instrument.meets_minimums(held - part, price) else held
        return market_order(instrument, Side.SELL, qty, price, _SPOT_LEVERAGE)
