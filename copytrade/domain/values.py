"""Decimal value types: quantities, prices, currencies and money.

Floats never enter: ``to_decimal`` refuses them, because 0.1 as a float is
not 0.1 and money that drifts by a fraction is money that goes missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Self

from copytrade.domain.errors import CurrencyMismatchError, InvalidValueError

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

DecimalLike = Decimal | int | str

# The one limit on an amount (money, quantity, price) anyone may ask for, from any
# entry point (API, web, scenario, service): its 16 integer digits and at most 18
# decimals fit the database's NUMERIC(38, 18) exactly, and so does a balance summing
# 10,000 such amounts (below 1e20). docs/domain.md, "Amount limits".
MAX_AMOUNT = Decimal("1e15")
MAX_DECIMALS = 18
# Wide enough to quantize any amount within the limit to 18 decimals exactly (the
# default 28-digit context cannot: 1e10 at 18 decimals is 29 digits).
_WIDE = Context(prec=60)


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Parse ``value`` as a finite Decimal, naming ``what`` in the error."""
    if type(value) is Decimal and value.is_finite():  # the common case, checked at once
        return value
    if isinstance(value, bool | float):
        raise InvalidValueError(
            f"{what} must be given as a Decimal, int or string, not {type(value).__name__} "
            f"({value!r}): floats cannot represent money exactly"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise InvalidValueError(f"{what} is not a number: {value!r}") from None
    else:
        raise InvalidValueError(f"{what} must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise InvalidValueError(f"{what} must be finite, got {value!r}")
    return result


def bounded_amount(value: object, what: str, decimals: int = MAX_DECIMALS) -> Decimal:
    """A finite Decimal of magnitude at most MAX_AMOUNT with at most ``decimals`` decimals."""
    result = to_decimal(value, what)
    if result.copy_abs() > MAX_AMOUNT:  # copy_abs: abs() would round to 28 digits
        raise InvalidValueError(f"{what} must be at most {MAX_AMOUNT:,f}, got {result}")
    if _WIDE.quantize(result, ONE.scaleb(-decimals)) != result:
        raise InvalidValueError(f"{what} has more than {decimals} decimals: {result}")
    return result


def percent(value: object, what: str, *, low: DecimalLike = 0, high: DecimalLike = 100) -> Decimal:
    """A percentage within [low, high], e.g. a profit share of 0..30."""
    result = to_decimal(value, what)
    if not Decimal(low) <= result <= Decimal(high):
        raise InvalidValueError(f"{what} must be between {low} and {high} percent, got {result}")
    return result


_UNITS = tuple(Decimal(1).scaleb(-precision) for precision in range(19))  # Currency.unit


class _NonNegative(Decimal):
    """A Decimal that is finite and not negative; arithmetic returns plain Decimals."""

    __slots__ = ()

    def __new__(cls, value: object = 0) -> Self:
        if type(value) is cls:  # already this kind of amount, so already checked
            return value
        result = to_decimal(value, cls.__name__.lower())
        if result < 0:
            raise InvalidValueError(f"{cls.__name__.lower()} must not be negative, got {result}")
        return super().__new__(cls, result)

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


class Quantity(_NonNegative):
    """An amount of an instrument's base asset (contracts or coins)."""

    __slots__ = ()


class Price(_NonNegative):
    """A price in the instrument's quote currency per unit of base asset."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Currency:
    """A settlement currency and the number of decimals it is kept to."""

    code: str
    precision: int = 8

    def __post_init__(self) -> None:
        if not self.code or not self.code.isalnum() or self.code.upper() != self.code:
            raise InvalidValueError(
                f"currency code must be upper-case letters or digits, got {self.code!r}"
            )
        if not 0 <= self.precision <= 18:
            raise InvalidValueError(f"currency precision must be 0..18, got {self.precision}")

    @property
    def unit(self) -> Decimal:
        """The smallest representable amount, e.g. 0.00000001 for USDT."""
        return _UNITS[self.precision]  # Decimal(1).scaleb(-precision), made once

    def __str__(self) -> str:
        return self.code


USDT = Currency("USDT", 8)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount of one currency. May be negative (a loss, a debit)."""

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount, f"{self.currency} amount"))

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(ZERO, currency)

    def _same(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise InvalidValueError(f"cannot combine money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot combine {self.currency} with {other.currency}: convert first"
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * to_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def rounded_down(self) -> Money:
        """Towards zero at the currency's precision: what the platform may charge."""
        return Money(round_down(self.amount, self.currency.unit), self.currency)

    def rounded(self) -> Money:
        """Banker's rounding at the currency's precision: for display and marks."""
        return Money(self.amount.quantize(self.currency.unit, ROUND_HALF_EVEN), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def round_down(value: Decimal, step: Decimal) -> Decimal:
    """Round ``value`` towards zero to a multiple of ``step`` (lot steps, money units)."""
    if step <= 0:
        raise InvalidValueError(f"rounding step must be positive, got {step}")
    return (value / step).to_integral_value(ROUND_DOWN) * step


def round_to_step(value: Decimal, step: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round ``value`` to a multiple of ``step`` with the given rounding mode."""
    if step <= 0:
        raise InvalidValueError(f"rounding step must be positive, got {step}")
    return (value / step).to_integral_value(rounding) * step
