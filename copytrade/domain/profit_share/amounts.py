"""Money helpers shared by the monetization rules: ledger amounts and percent cuts."""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import HUNDRED, Currency, bounded_amount, round_down, to_decimal

# Settlement arithmetic runs in this context so that no intermediate product is
# rounded at the default 28 digits: a floor or ceiling to the currency unit is
# only honest when the value it rounds is exact (realistic inputs fit 60 digits).
EXACT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def ledger_amount(
    value: object, what: str, currency: Currency, *, positive: bool = False
) -> Decimal:
    """An amount that moves through the ledger: not negative and whole currency units.

    Sub-unit amounts cannot be held by any account, so one arriving here is a
    bug upstream; refusing it keeps every balance and state on the unit. A
    ``positive`` amount is one asked for (an allocation, a top-up, a price, a cap),
    so it is also held to the one amount limit, MAX_AMOUNT; a state (an HWM) is not.
    """
    amount = bounded_amount(value, what) if positive else to_decimal(value, what)
    if amount < 0 or (positive and amount == 0):
        kind = "positive" if positive else "zero or positive"
        raise InvalidValueError(f"{what} must be {kind}, got {amount} {currency}")
    if EXACT.remainder(amount, currency.unit) != 0:
        raise InvalidValueError(
            f"{what} {amount} has more decimals than {currency} keeps ({currency.precision})"
        )
    return amount


def cut(amount: Decimal, pct: Decimal, currency: Currency) -> Decimal:
    """``pct`` percent of ``amount``, rounded down to the currency unit.

    Every cut here is something the platform or a provider takes from someone,
    so it rounds down: nobody is charged a fraction more than the rate says.
    """
    with localcontext(EXACT):
        return round_down(amount * pct / HUNDRED, currency.unit)
