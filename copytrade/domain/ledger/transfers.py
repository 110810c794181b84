"""Postings and transfers: a transfer is a set of postings that sums to zero per currency."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger._enums import parse_enum
from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.domain.ledger.errors import UnbalancedTransferError
from copytrade.domain.values import MAX_AMOUNT, ZERO, bounded_amount, round_down

_MAX_KEY_LENGTH = 200


class TransferKind(StrEnum):
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    ALLOCATE = "allocate"
    RELEASE = "release"
    FEE = "fee"
    REALIZED_PNL = "realized_pnl"
    EXCHANGE = "exchange"
    TRADE = "trade"  # one venue fill: margin or exchange, realized PnL and fee together
    PROFIT_SHARE = "profit_share"
    PAYOUT = "payout"
    SUBSCRIPTION = "subscription"  # a period's subscription: free balance -> provider, platform
    COMMISSION = "commission"  # the platform's commission on one copied fill
    FUNDING = "funding"  # a perpetual's funding payment, paid or received by a book
    REVERSAL = "reversal"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a transfer: ``amount`` is added to the account's balance (signed)."""

    account: LedgerAccount
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.account, LedgerAccount):
            raise InvalidValueError(f"a posting needs a LedgerAccount, got {self.account!r}")
        currency = self.account.currency
        if _in_units(self.amount, currency.precision):
            # Already a Decimal within the limit on the currency's unit: every check
            # below would pass but the zero check (one exponent test, not two quantizes).
            if self.amount == ZERO:
                raise InvalidValueError(f"a posting to {self.account} must move a non-zero amount")
            return
        # The one amount limit (MAX_AMOUNT): nothing larger is ever written, so every
        # movement fits storage and is refused before its transaction writes anything.
        amount = bounded_amount(self.amount, f"amount posted to {self.account}")
        if amount == ZERO:
            raise InvalidValueError(f"a posting to {self.account} must move a non-zero amount")
        # Refuse rather than round: the caller decides who gets the fraction (docs/domain.md).
        if round_down(amount, currency.unit) != amount:
            raise InvalidValueError(
                f"{amount} {currency} has more decimals than {currency} keeps "
                f"({currency.precision}); round it before posting to {self.account}"
            )
        object.__setattr__(self, "amount", amount)


def _in_units(amount: object, precision: int) -> bool:
    """A finite Decimal of at most MAX_AMOUNT whose exponent is on the unit of a currency
    of ``precision`` decimals (so on its unit, and within 18 decimals); False means
    "check it fully", never "invalid"."""
    if type(amount) is not Decimal or not amount.is_finite():
        return False
    exponent = amount.as_tuple().exponent
    return (
        isinstance(exponent, int) and exponent >= -precision and (amount.copy_abs() <= MAX_AMOUNT)
    )


def sums_by_currency(postings: Iterable[Posting]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for posting in postings:
        code = posting.account.currency.code
        sums[code] = sums.get(code, ZERO) + posting.amount
    return sums


@dataclass(frozen=True, slots=True)
class Transfer:
    """An immutable movement of value; ``reverses`` names the transfer a reversal undoes."""

    idempotency_key: str
    kind: TransferKind
    entries: tuple[Posting, ...]
    ts: datetime
    memo: str = ""
    reverses: str | None = None

    def __post_init__(self) -> None:
        key = self.idempotency_key
        if not isinstance(key, str) or not key or key != key.strip() or len(key) > _MAX_KEY_LENGTH:
            raise InvalidValueError(
                f"a transfer needs an idempotency key of 1..{_MAX_KEY_LENGTH} characters "
                f"without surrounding spaces, got {key!r}"
            )
        object.__setattr__(self, "kind", parse_enum(TransferKind, self.kind, "transfer kind"))
        object.__setattr__(self, "entries", tuple(self.entries))
        if not isinstance(self.ts, datetime) or self.ts.tzinfo is None:
            raise InvalidValueError(f"transfer {key!r} needs a timezone-aware ts, got {self.ts}")
        if (self.kind is TransferKind.REVERSAL) != (self.reverses is not None):
            raise InvalidValueError(
                f"transfer {key!r}: a reversal, and only a reversal, names the transfer it "
                f"reverses (kind={self.kind}, reverses={self.reverses!r})"
            )
        self._check_entries()

    def _check_entries(self) -> None:
        key = self.idempotency_key
        if not self.entries:
            raise UnbalancedTransferError(f"transfer {key!r} has no entries: it moves nothing")
        seen: set[str] = set()
        for posting in self.entries:
            if not isinstance(posting, Posting):
                raise InvalidValueError(
                    f"transfer {key!r} entries must be Postings, got {posting!r}"
                )
            if posting.account.key in seen:
                raise InvalidValueError(
                    f"transfer {key!r} posts to {posting.account} twice; merge the two amounts"
                )
            seen.add(posting.account.key)
        for code, total in sums_by_currency(self.entries).items():
            if total != ZERO:
                raise UnbalancedTransferError(
                    f"transfer {key!r} ({self.kind}) does not balance in {code}: its entries "
                    f"sum to {total}, not 0; what one account gives another must receive"
                )

    @property
    def movement(self) -> dict[str, Decimal]:
        """Account key -> amount: what the transfer does, whatever its entries' order."""
        return {posting.account.key: posting.amount for posting in self.entries}

    def describe(self) -> str:
        """E.g. ``deposit: world:world:USDT -100, follower_free:u1:USDT +100``."""
        lines = ", ".join(f"{p.account} {p.amount:+}" for p in self.entries)
        return f"{self.kind}: {lines}"

    def same_movement(self, other: Transfer) -> bool:
        """Whether ``other`` moves the same value; ts and memo are not part of it.

        A client retrying a deposit stamps it with a later time; that is still the
        same deposit, so only the kind, the amounts and the reversed key count.
        """
        return (
            self.kind is other.kind
            and self.reverses == other.reverses
            and self.movement == other.movement
        )
