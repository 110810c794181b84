"""Positions: what an account holds in one instrument, changed only by fills.

The position keeps its cost basis (``entry_cost``, the open quantity's cost)
rather than an average price, so that every amount is an exact Decimal sum:
realized plus unrealized PnL always equals the cash the fills moved plus the
holding at the mark (docs/domain.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, FillId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill
from copytrade.domain.trades import PositionSide, Trade
from copytrade.domain.values import ONE, ZERO, round_down, to_decimal


@dataclass(frozen=True, slots=True)
class PositionChange:
    """What one fill did to a position.

    ``realized_pnl`` is gross (before fees). ``trade`` is the round trip the
    fill closed, if any. ``applied`` is False for a fill seen before.
    """

    trade: Trade | None
    realized_pnl: Decimal
    opened_qty: Decimal
    closed_qty: Decimal
    flipped: bool = False
    applied: bool = True


UNCHANGED = PositionChange(None, ZERO, ZERO, ZERO, applied=False)


@dataclass(frozen=True, slots=True)
class PositionState:
    """Everything a position holds, so it can be stored and restored without a replay.

    The ``trade_*`` fields are the current round trip's accumulators.
    """

    leverage: Decimal
    qty: Decimal
    entry_cost: Decimal
    realized_pnl: Decimal
    fees_paid: Decimal
    opened_at: datetime | None
    trade_qty: Decimal
    trade_cost: Decimal
    trade_exit_value: Decimal
    trade_realized: Decimal
    trade_fees: Decimal
    margin_mode: MarginMode = MarginMode.ISOLATED


@dataclass(slots=True, eq=False)
class Position:
    """The holding of ``account`` in ``instrument``: long > 0, short < 0 (perp only).

    ``realized_pnl`` (gross) and ``fees_paid`` run over the position's whole
    life; the ``_trade_*`` accumulators cover the current round trip only and
    become a ``Trade`` when it returns to flat.
    """

    account: AccountId
    instrument: Instrument
    leverage: Decimal = ONE
    margin_mode: MarginMode = MarginMode.ISOLATED
    qty: Decimal = field(default=ZERO, init=False)
    entry_cost: Decimal = field(default=ZERO, init=False)
    realized_pnl: Decimal = field(default=ZERO, init=False)
    fees_paid: Decimal = field(default=ZERO, init=False)
    opened_at: datetime | None = field(default=None, init=False)
    _trade_side: PositionSide = field(default=PositionSide.LONG, init=False, repr=False)
    _trade_qty: Decimal = field(default=ZERO, init=False, repr=False)
    _trade_cost: Decimal = field(default=ZERO, init=False, repr=False)
    _trade_exit_value: Decimal = field(default=ZERO, init=False, repr=False)
    _trade_realized: Decimal = field(default=ZERO, init=False, repr=False)
    _trade_fees: Decimal = field(default=ZERO, init=False, repr=False)
    _fill_ids: set[FillId] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        self.leverage = self.instrument.cap_leverage(to_decimal(self.leverage, "leverage"))

    # --- storing -----------------------------------------------------------

    def state(self) -> PositionState:
        return PositionState(
            self.leverage, self.qty, self.entry_cost, self.realized_pnl, self.fees_paid,
            self.opened_at, self._trade_qty, self._trade_cost, self._trade_exit_value,
            self._trade_realized, self._trade_fees, self.margin_mode,
        )  # fmt: skip

    @classmethod
    def restore(cls, account: AccountId, instrument: Instrument, state: PositionState) -> Position:
        """The position ``state()`` was taken from (replaying every fill would be unbounded).

        Fill ids are not part of the state: duplicates are recognised only among
        fills applied after the restore.
        """
        position = cls(account, instrument, state.leverage, MarginMode.parse(state.margin_mode))
        position.qty, position.entry_cost = state.qty, state.entry_cost
        position.realized_pnl, position.fees_paid = state.realized_pnl, state.fees_paid
        position.opened_at = state.opened_at
        # While open, the round trip's side is the holding's sign (a flip reopens from flat).
        position._trade_side = PositionSide.SHORT if state.qty < ZERO else PositionSide.LONG
        position._trade_qty, position._trade_cost = state.trade_qty, state.trade_cost
        position._trade_exit_value = state.trade_exit_value
        position._trade_realized, position._trade_fees = state.trade_realized, state.trade_fees
        return position

    # --- reading -----------------------------------------------------------

    @property
    def is_flat(self) -> bool:
        return not self.qty

    @property
    def side(self) -> PositionSide | None:
        if self.qty > ZERO:
            return PositionSide.LONG
        return PositionSide.SHORT if self.qty else None

    @property
    def avg_entry_price(self) -> Decimal:
        """Cost basis per unit held; 0 when flat."""
        return self.entry_cost / abs(self.qty) if self.qty else ZERO

    @property
    def net_realized_pnl(self) -> Decimal:
        """Realized PnL over the position's life, net of every fee paid."""
        return self.realized_pnl - self.fees_paid

    @property
    def margin(self) -> Decimal:
        """Collateral locked: entry notional / leverage (spot: the whole cost)."""
        return self.entry_cost / self.leverage

    def unrealized_pnl(self, mark: Decimal) -> Decimal:
        # qty is signed, so this is (mark − entry) × |qty| for a long, reversed for a short.
        if self.qty > ZERO:
            return self.qty * mark - self.entry_cost
        return self.qty * mark + self.entry_cost

    def notional(self, mark: Decimal) -> Decimal:
        return abs(self.qty) * mark

    def market_value(self, mark: Decimal) -> Decimal:
        """The position's contribution to equity (cash + market values).

        Spot: the coins at the mark. Perp: the margin locked plus unrealized PnL,
        because opening a perp moves only the margin out of cash. Spot is the
        leverage-1 case of the same formula, computed directly to stay exact.
        """
        if self.instrument.is_spot:
            return self.qty * mark
        return self.margin + self.unrealized_pnl(mark)

    # --- changing ----------------------------------------------------------

    def apply_funding(self, amount: Decimal) -> None:
        """A funding payment received (> 0) or paid (< 0): it is realized PnL, of the
        position's life and of the current round trip (docs/domain.md "Funding")."""
        self.realized_pnl += amount
        self._trade_realized += amount

    def apply_fill(
        self,
        fill: Fill,
        leverage: Decimal | None = None,
        margin_mode: MarginMode | None = None,
    ) -> PositionChange:
        """Apply one fill; a fill id seen before changes nothing (returns UNCHANGED).

        ``leverage`` applies only when the fill opens from flat (including the
        remainder of a flip): a position keeps one leverage over its life; so does
        ``margin_mode``.
        """
        if margin_mode is not None and not self.qty:
            self.margin_mode = margin_mode
        if fill.fill_id in self._fill_ids:
            return UNCHANGED
        self._check_fill_belongs(fill)
        signed = fill.signed_qty
        if not self.qty or (self.qty > ZERO) == (signed > ZERO):
            self._open(signed, fill.price, fill.fee, fill.ts, leverage)
            change = PositionChange(None, ZERO, fill.qty, ZERO)
        elif fill.qty <= abs(self.qty):
            realized, trade = self._close(fill.qty, fill.price, fill.fee, fill.ts)
            change = PositionChange(trade, realized, ZERO, fill.qty)
        else:
            change = self._flip(fill, leverage)
        self._fill_ids.add(fill.fill_id)
        return change

    def _check_fill_belongs(self, fill: Fill) -> None:
        if fill.account != self.account or fill.symbol != self.instrument.symbol:
            raise InvalidValueError(
                f"fill {fill.fill_id} of {fill.account} on {fill.symbol} does not belong to "
                f"the position of {self.account} on {self.instrument.symbol}"
            )
        if self.instrument.is_spot and fill.side is Side.SELL and fill.qty > self.qty:
            raise InvalidValueError(
                f"cannot sell {fill.qty} {self.instrument.symbol} (fill {fill.fill_id}): "
                f"the spot holding of {self.account} is only {self.qty}, and spot cannot go short"
            )

    def _open(
        self,
        signed_qty: Decimal,
        price: Decimal,
        fee: Decimal,
        ts: datetime,
        leverage: Decimal | None,
    ) -> None:
        if not self.qty:
            self.opened_at = ts
            self._trade_side = PositionSide.LONG if signed_qty > ZERO else PositionSide.SHORT
            if leverage is not None:
                self.leverage = self.instrument.cap_leverage(leverage)
        qty = abs(signed_qty)
        cost = qty * price
        self.qty += signed_qty
        self.entry_cost += cost
        self.fees_paid += fee
        self._trade_qty += qty
        self._trade_cost += cost
        self._trade_fees += fee

    def _close(
        self, qty: Decimal, price: Decimal, fee: Decimal, ts: datetime
    ) -> tuple[Decimal, Trade | None]:
        """Reduce by ``qty`` (at most the holding); returns (gross realized, trade)."""
        held = abs(self.qty)
        if qty == held:
            closed_cost = self.entry_cost
        else:
            # The closed share of the cost basis, rounded down to the quote unit so
            # every amount stays an exact sum; the last close takes what remains,
            # so the trade's totals carry no rounding at all.
            closed_cost = round_down(self.entry_cost * qty / held, self.instrument.quote.unit)
        exit_value = qty * price
        realized = exit_value - closed_cost if self.qty > ZERO else closed_cost - exit_value
        self.qty += -qty if self.qty > ZERO else qty
        self.entry_cost -= closed_cost
        self.realized_pnl += realized
        self.fees_paid += fee
        self._trade_exit_value += exit_value
        self._trade_realized += realized
        self._trade_fees += fee
        return realized, (None if self.qty else self._finish_trade(ts))

    def _flip(self, fill: Fill, leverage: Decimal | None) -> PositionChange:
        """Close the whole holding, then open the rest of the fill the other way.

        The fee is split by quantity; the closing part is rounded down to the
        quote unit and the opening part takes the rest, so they sum to the fee.
        """
        close_qty = abs(self.qty)
        open_qty = fill.qty - close_qty
        close_fee = round_down(fill.fee * close_qty / fill.qty, self.instrument.quote.unit)
        realized, trade = self._close(close_qty, fill.price, close_fee, fill.ts)
        signed_open = open_qty if fill.side is Side.BUY else -open_qty
        self._open(signed_open, fill.price, fill.fee - close_fee, fill.ts, leverage)
        return PositionChange(trade, realized, open_qty, close_qty, flipped=True)

    def _finish_trade(self, closed_at: datetime) -> Trade:
        # Closing to flat: close quantity equals the trade's opened quantity.
        opened_at = self.opened_at if self.opened_at is not None else closed_at
        qty, cost = self._trade_qty, self._trade_cost
        trade = Trade(
            account=self.account,
            symbol=self.instrument.symbol,
            side=self._trade_side,
            qty=qty,
            entry_price=cost / qty,
            exit_price=self._trade_exit_value / qty,
            cost=cost,
            pnl=self._trade_realized - self._trade_fees,
            fees=self._trade_fees,
            opened_at=opened_at,
            closed_at=closed_at,
            leverage=self.leverage,
            is_spot=self.instrument.is_spot,
        )
        self.entry_cost = ZERO
        self.opened_at = None
        self._trade_qty = self._trade_cost = self._trade_exit_value = ZERO
        self._trade_realized = self._trade_fees = ZERO
        return trade


def position_from_fills(
    account: AccountId,
    instrument: Instrument,
    fills: Iterable[Fill],
    leverage: Decimal = ONE,
) -> tuple[Position, list[Trade]]:
    """Rebuild a position by replaying fills in order; also returns the trades closed."""
    position = Position(account, instrument, leverage)
    trades = []
    for fill in fills:
        trade = position.apply_fill(fill).trade
        if trade is not None:
            trades.append(trade)
    return position, trades


__all__ = ["UNCHANGED", "Position", "PositionChange", "PositionState", "position_from_fills"]
