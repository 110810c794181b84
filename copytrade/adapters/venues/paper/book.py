"""One paper account in memory: its cash per currency and its positions.

A batch loads the books it needs, changes them here, then writes back only
what changed, so thousands of orders cost a few queries (see store.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from copytrade.adapters.venues.paper.rules import locked_margin
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.positions import Position
from copytrade.domain.reservations import Hold
from copytrade.domain.values import ZERO


@dataclass(slots=True)
class AccountBook:
    """``stored_*`` name the rows that exist already (update) as opposed to new (insert)."""

    account: AccountId
    cash: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    stored_cash: set[str] = field(default_factory=set)
    stored_positions: set[str] = field(default_factory=set)
    changed_cash: set[str] = field(default_factory=set)
    changed_positions: set[str] = field(default_factory=set)
    # Funds in orders (docs/venues.md "Funds in orders"): each resting order's hold by
    # its venue order id, and the sums per quote currency and per spot symbol's base.
    holds: dict[str, tuple[str, str, Hold]] = field(default_factory=dict)
    held: dict[str, Decimal] = field(default_factory=dict)
    held_base: dict[str, Decimal] = field(default_factory=dict)

    def reserve(self, order_id: str, instrument: Instrument, hold: Hold) -> None:
        """Keep ``hold`` in orders for the resting order ``order_id`` (replacing its last)."""
        self.release(order_id)
        if not hold.quote and not hold.base:
            return
        currency, symbol = instrument.quote.code, instrument.symbol
        self.holds[order_id] = (currency, symbol, hold)
        self.held[currency] = self.held.get(currency, ZERO) + hold.quote
        self.held_base[symbol] = self.held_base.get(symbol, ZERO) + hold.base

    def release(self, order_id: str) -> None:
        """What ``order_id`` kept in orders is spendable again (filled, cancelled)."""
        entry = self.holds.pop(order_id, None)
        if entry is None:
            return
        currency, symbol, hold = entry
        self.held[currency] -= hold.quote
        self.held_base[symbol] -= hold.base

    def free_base(self, symbol: str) -> Decimal:
        """A spot holding less what resting sells keep in orders."""
        position = self.positions.get(symbol)
        held = position.qty if position is not None else ZERO
        return held - self.held_base.get(symbol, ZERO)

    def add_cash(self, currency: str, amount: Decimal) -> Decimal:
        balance = self.cash.get(currency, ZERO) + amount
        self.cash[currency] = balance
        self.changed_cash.add(currency)
        return balance

    def free_cash(self, currency: str, prices: Mapping[str, Decimal]) -> Decimal:
        """Cash less the perps' net unrealized loss (a net gain is not spendable) and
        less what resting orders keep in orders: the available balance."""
        unrealized = ZERO
        for symbol, position in self.positions.items():
            instrument = position.instrument
            if position.qty and not instrument.is_spot and instrument.quote.code == currency:
                mark = prices.get(symbol)
                if mark is not None:
                    unrealized += position.unrealized_pnl(mark)
        held = self.held.get(currency, ZERO)
        return self.cash.get(currency, ZERO) + min(unrealized, ZERO) - held

    def settle(
        self,
        instrument: Instrument,
        fill: Fill,
        leverage: Decimal,
        prices: Mapping[str, Decimal],
        *,
        dry_run: bool = False,
        margin_mode: MarginMode = MarginMode.ISOLATED,
    ) -> bool:
        """Apply ``fill`` to the position and the cash; False, changing nothing, if unaffordable.

        Cash moves by the margin locked or released, the realized PnL and the
        fee. A fill that opens anything must leave the free cash at 0 or more;
        a pure close is never refused (docs/domain.md, Copying), and a loss beyond the cash leaves
        it at 0. A liquidation of an isolated position takes at most its margin: the
        cash never falls (the insurance fund pays the rest, docs/domain.md
        "Liquidation"). A spot sell needs the holding.
        ``dry_run`` checks without keeping the change (a limit order about to rest).
        """
        symbol, currency = instrument.symbol, instrument.quote.code
        position = self.positions.get(symbol)
        if position is None:
            position = Position(self.account, instrument, leverage, margin_mode)
            self.positions[symbol] = position
            before = None
        else:
            before = position.state()
        if instrument.is_spot and fill.side is Side.SELL and fill.qty > self.free_base(symbol):
            ok = False
        else:
            locked_before = locked_margin(position)
            isolated = position.margin_mode is MarginMode.ISOLATED
            change = position.apply_fill(fill, leverage, margin_mode)
            delta = locked_before - locked_margin(position) + change.realized_pnl - fill.fee
            if fill.liquidity is Liquidity.LIQUIDATION and isolated:
                delta = max(delta, ZERO)
            cash_before = self.cash.get(currency, ZERO)
            self.cash[currency] = cash_before + delta
            ok = not change.opened_qty or self.free_cash(currency, prices) >= ZERO
            if dry_run or not ok:
                self.cash[currency] = cash_before
        if dry_run or not ok:
            if before is None:
                del self.positions[symbol]
            else:
                self.positions[symbol] = Position.restore(self.account, instrument, before)
            return ok
        if self.cash[currency] < ZERO:
            # A close lost more than the cash: the venue's insurance fund pays the rest,
            # as the ledger books it (domain/ledger/fills.py), so both books agree.
            self.cash[currency] = ZERO
        self.changed_cash.add(currency)
        self.changed_positions.add(symbol)
        return True
