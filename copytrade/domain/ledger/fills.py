"""The ledger side of one fill: what a trading book's cash gives and receives.

One transfer per fill keeps a fill atomic in the books: margin (perp) or the
exchange of coins (spot), the realized PnL and the fee move together or not
at all. Convention (docs/domain.md): a perp's margin leaves the book's
cash for the venue's ``market`` account while the position is open, so a
book's equity is cash plus each position's ``market_value`` at the mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.ledger.accounts import DEFAULT_VENUE, LedgerAccount
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.positions import Position
from copytrade.domain.values import ZERO, Currency, round_to_step


def base_currency(instrument: Instrument) -> Currency:
    """The coin a spot instrument exchanges, kept to 8 decimals like its quote."""
    return Currency(instrument.base, 8)


def locked_margin(position: Position) -> Decimal:
    """Collateral a perp position keeps out of cash, rounded up to the quote unit."""
    if position.instrument.is_spot or position.is_flat:
        return ZERO
    return round_to_step(position.margin, position.instrument.quote.unit, ROUND_CEILING)


def fill_key(fill: Fill, venue: str = DEFAULT_VENUE) -> str:
    return f"fill:{venue}:{fill.fill_id}"


def fill_transfer(
    *,
    cash: LedgerAccount,
    instrument: Instrument,
    fill: Fill,
    realized_pnl: Decimal,
    margin_before: Decimal,
    margin_after: Decimal,
    cash_available: Decimal,
    ts: datetime,
    venue: str = DEFAULT_VENUE,
) -> Transfer | None:
    """The transfer booking ``fill`` for the book whose quote cash is ``cash``.

    A loss larger than ``cash_available`` (cross: the book's cash; an isolated
    position's liquidation: 0, since it may lose only its own margin) is capped
    there: the venue's insurance fund pays the rest (the shortfall) to the market,
    an entry of its own, and no balance is ever charged into the negative. A
    liquidation fill's fee goes to the insurance fund too (docs/domain.md
    "Liquidation"). None when the fill moves no value (fee-free and locking no margin).
    """
    unit = instrument.quote.unit
    market, fees, insurance = _venue_accounts(venue, instrument.quote)
    if fill.liquidity is Liquidity.LIQUIDATION:
        fees = insurance
    amounts: dict[LedgerAccount, Decimal] = {}
    if instrument.is_spot:
        notional = _money(fill.qty * fill.price, unit)
        signed = notional if fill.side is Side.SELL else -notional
        coin = base_currency(instrument)
        coin_signed = fill.qty if fill.side is Side.BUY else -fill.qty
        _add(amounts, cash, signed)
        _add(amounts, market, -signed)
        _add(amounts, cash.in_currency(coin), coin_signed)
        _add(amounts, market.in_currency(coin), -coin_signed)
    else:
        delta = margin_after - margin_before
        pnl = _money(realized_pnl, unit)
        _add(amounts, cash, pnl - delta)
        _add(amounts, market, delta - pnl)
    _add(amounts, cash, -fill.fee)
    _add(amounts, fees, fill.fee)
    shortfall = -(cash_available + amounts.get(cash, ZERO))
    if shortfall > ZERO:
        _add(amounts, cash, shortfall)
        _add(amounts, insurance, -shortfall)
    postings = _postings(amounts.items())
    if not postings:
        return None
    memo = f"{fill.side} {fill.qty} {fill.symbol} @ {fill.price}"
    return Transfer(fill_key(fill, venue), TransferKind.TRADE, postings, ts, memo=memo)


@lru_cache(maxsize=64)
def _venue_accounts(
    venue: str, quote: Currency
) -> tuple[LedgerAccount, LedgerAccount, LedgerAccount]:
    """The venue's ``market``, ``trading_fees`` and ``insurance_fund`` accounts in
    ``quote``: immutable values, made once rather than for every fill."""
    return (
        LedgerAccount.market(venue, quote),
        LedgerAccount.trading_fees(venue, quote),
        LedgerAccount.insurance_fund(venue, quote),
    )


def _money(amount: Decimal, unit: Decimal) -> Decimal:
    return round_to_step(amount, unit, ROUND_HALF_EVEN)


def _add(amounts: dict[LedgerAccount, Decimal], account: LedgerAccount, amount: Decimal) -> None:
    amounts[account] = amounts.get(account, ZERO) + amount


def _postings(items: Iterable[tuple[LedgerAccount, Decimal]]) -> tuple[Posting, ...]:
    return tuple(Posting(account, amount) for account, amount in items if amount != ZERO)
