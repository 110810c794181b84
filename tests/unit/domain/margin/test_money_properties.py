"""Hypothesis properties of the money rules under liquidation and funding
(docs/domain.md "Liquidation", "Funding"): every transfer sums to zero, no book's
cash goes below zero, what a book loses is bounded by its margin mode, and the
paper venue's cash moves exactly as the ledger books them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.domain.ids import AccountId, FillId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount, LedgerAccountKind, sums_by_currency
from copytrade.domain.ledger.fills import fill_transfer
from copytrade.domain.ledger.funding import funding_transfer
from copytrade.domain.margin import funding_payment, liquidation_fee, locked, position_equity
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.positions import Position
from copytrade.domain.values import ZERO, Price, Quantity
from tests.unit.domain.fills_factory import ACCOUNT, PERP, T0, fill

RULED = dataclasses.replace(PERP, maintenance_margin_rate=Decimal("0.005"))
CASH = LedgerAccount.allocation_cash(str(ACCOUNT))
INSURANCE = LedgerAccount.insurance_fund()

LOTS = st.integers(1, 5_000).map(lambda n: Decimal(n).scaleb(-3))
PRICE = st.integers(100_000, 10_000_000).map(lambda c: Decimal(c).scaleb(-2))
LEVERAGE = st.integers(1, 20).map(Decimal)
CASH_LEFT = st.integers(0, 10_000_000).map(lambda c: Decimal(c).scaleb(-2))
RATE = st.integers(-500, 500).map(lambda n: Decimal(n).scaleb(-6))


def _liquidation(side: Side, qty: Decimal, price: Decimal, fee: Decimal) -> Fill:
    return Fill(
        FillId("lq-1"), OrderId("lq"), None, ACCOUNT, RULED.symbol, side, Quantity(qty),
        Price(price), fee, Liquidity.LIQUIDATION, T0,
    )  # fmt: skip


@given(st.booleans(), LOTS, PRICE, PRICE, LEVERAGE, CASH_LEFT, st.booleans())
def test_a_liquidation_balances_and_the_venue_agrees_with_the_ledger(
    long: bool,
    qty: Decimal,
    entry: Decimal,
    mark: Decimal,
    leverage: Decimal,
    cash_left: Decimal,
    cross: bool,
) -> None:
    mode = MarginMode.CROSS if cross else MarginMode.ISOLATED
    book = AccountBook(AccountId(ACCOUNT), cash={"USDT": cash_left})
    opening = fill("buy" if long else "sell", qty, entry, on=RULED)
    # The opening is taken as affordable: cash_left is what stays after its margin.
    book.positions[RULED.symbol] = position = _opened(opening, leverage, mode)
    margin = locked(position)
    available = position_equity(position, mark) + (cash_left if cross else ZERO)
    fee = liquidation_fee(position, mark, available)
    closing = _liquidation(Side.SELL if long else Side.BUY, qty, mark, fee)
    realized = position.unrealized_pnl(mark)

    assert book.settle(RULED, closing, leverage, {RULED.symbol: mark})
    venue_cash = book.cash["USDT"]
    transfer = fill_transfer(
        cash=CASH, instrument=RULED, fill=closing, realized_pnl=realized,
        margin_before=margin, margin_after=ZERO,
        cash_available=cash_left if cross else ZERO, ts=T0,
    )  # fmt: skip
    assert transfer is not None
    moved = transfer.movement
    assert set(sums_by_currency(transfer.entries).values()) <= {ZERO}
    assert venue_cash == cash_left + moved.get(CASH.key, ZERO)  # both books agree
    assert venue_cash >= ZERO
    if not cross:
        assert venue_cash >= cash_left  # an isolated position loses only its own margin
    # The fee goes to the insurance fund, which also pays any shortfall; nothing else
    # outside the book but the market takes part.
    outside = {LedgerAccountKind.MARKET, LedgerAccountKind.INSURANCE_FUND}
    assert {p.account.kind for p in transfer.entries} - {CASH.kind} <= outside
    shortfall = max(ZERO, -((cash_left if cross else ZERO) + margin + realized - fee))
    assert moved.get(INSURANCE.key, ZERO) == fee - shortfall


@given(st.booleans(), LOTS, PRICE, PRICE, LEVERAGE, RATE, CASH_LEFT)
def test_a_funding_payment_balances_and_never_overdraws(
    long: bool,
    qty: Decimal,
    entry: Decimal,
    mark: Decimal,
    leverage: Decimal,
    rate: Decimal,
    cash_left: Decimal,
) -> None:
    position = _opened(fill("buy" if long else "sell", qty, entry, on=RULED), leverage)
    owed = funding_payment(position, rate, mark)
    # The payer's side is never rounded in its favour.
    assert owed <= -rate * position.qty * mark
    amount = owed if owed >= ZERO else -min(-owed, cash_left)
    transfer = funding_transfer(
        cash=CASH, key="funding:x", owed=owed, amount=amount, ts=T0, memo=""
    )
    if owed == ZERO:
        assert transfer is None
        return
    assert transfer is not None
    assert set(sums_by_currency(transfer.entries).values()) == {ZERO}
    assert cash_left + transfer.movement.get(CASH.key, ZERO) >= ZERO
    assert transfer.movement.get(INSURANCE.key, ZERO) <= ZERO  # it only ever pays


def _opened(opening: Fill, leverage: Decimal, mode: MarginMode = MarginMode.ISOLATED) -> Position:
    position = Position(ACCOUNT, RULED, leverage, mode)
    position.apply_fill(opening, leverage, mode)
    return position
