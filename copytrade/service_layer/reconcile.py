"""Reconciliation: the ledger's books against the venue's, and the ledger against itself.

The platform keeps two books of the same money (docs/engine.md "Books"): a
provider's book is its account id with its ``follower_free`` cash, a
relationship's book is its id with its ``allocation_cash``; the venue keeps the
same account ids in its paper_* tables. For every book and every currency the
ledger's cash must equal the venue's balance (free cash, and the base asset of a
spot holding), and the platform's positions must equal the venue's. A perp's
margin is out of the cash on both sides while the position is open (the ledger
moves it to the venue's ``market`` account, the venue locks it), so the cash is
compared as it stands. A venue account that is no platform book must hold
nothing (the paper venue has no system accounts of its own). Plus the ledger's
own check: stored balances vs their entries, zero sums, nothing negative.

The two books are read in two transactions, so a change committed in between
(another process trading) can look like a difference: a difference is reported
only when a second comparison finds it too. ``copytrade serve`` compares under
its engine lock. Used by ``copytrade reconcile``, ``GET /api/v1/admin/reconcile``
and serve's periodic job (docs/engine.md "Reconciliation").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.ledger_reconcile import Reconciliation
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.venues.port import AccountHoldings, Venue
from copytrade.domain.ledger import LedgerAccountKind
from copytrade.domain.values import ZERO

PROVIDER, RELATIONSHIP, VENUE_ONLY = "provider", "relationship", "venue only"


@dataclass(frozen=True, slots=True)
class Difference:
    """One book where the two sides disagree: ``what`` is ``cash <CODE>`` or ``position <SYM>``."""

    book: str
    role: str  # provider, relationship, or "venue only" (an account that is no book)
    what: str
    ledger: Decimal
    venue: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            "book": self.book,
            "role": self.role,
            "what": self.what,
            "ledger": decimal_text(self.ledger),
            "venue": decimal_text(self.venue),
        }


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    checked_at: datetime
    books: int
    venue_accounts: int
    differences: tuple[Difference, ...]
    ledger: Reconciliation
    outbox_pending: int  # undelivered messages (venue moves among them), repaired by recovery
    orders_pending: int  # order intents the venue has not answered yet (status new)

    @property
    def ok(self) -> bool:
        return not self.differences and self.ledger.ok

    def ledger_problems(self) -> list[str]:
        """The ledger's own check, one line per problem."""
        found = [
            f"balance of {m.account} is {decimal_text(m.stored)}, "
            f"its entries sum to {decimal_text(m.from_entries)}"
            for m in self.ledger.mismatches
        ]
        found += [
            f"{code} balances sum to {decimal_text(total)}, not 0"
            for code, total in self.ledger.unbalanced.items()
        ]
        found += [f"{account} is negative" for account in self.ledger.negative]
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked_at": self.checked_at.isoformat(),
            "books": self.books,
            "venue_accounts": self.venue_accounts,
            "differences": [d.to_json() for d in self.differences],
            "ledger_problems": self.ledger_problems(),
            "outbox_pending": self.outbox_pending,
            "orders_pending": self.orders_pending,
        }


@dataclass(frozen=True, slots=True)
class _LedgerSide:
    roles: dict[str, str]  # book -> provider | relationship
    cash: dict[str, dict[str, Decimal]]  # book -> currency code -> balance
    positions: dict[str, dict[str, Decimal]]  # book -> symbol -> qty (open only)
    watched: frozenset[str]  # watched providers' books: not compared with the paper venue
    check: Reconciliation
    outbox_pending: int
    orders_pending: int


def reconcile(
    uow_factory: Callable[[], SqlUnitOfWork], venue: Venue, now: Callable[[], datetime]
) -> ReconcileReport:
    """Compare every book; a difference counts when a second comparison sees it too."""
    first = _compare(uow_factory, venue, now)
    if not first.differences:
        return first
    again = _compare(uow_factory, venue, now)
    seen = {(d.book, d.what) for d in first.differences}
    kept = tuple(d for d in again.differences if (d.book, d.what) in seen)
    return ReconcileReport(
        again.checked_at,
        again.books,
        again.venue_accounts,
        kept,
        again.ledger,
        again.outbox_pending,
        again.orders_pending,
    )


def _compare(
    uow_factory: Callable[[], SqlUnitOfWork], venue: Venue, now: Callable[[], datetime]
) -> ReconcileReport:
    ledger = _read_ledger(uow_factory)
    held = {b: h for b, h in venue.holdings().items() if b not in ledger.watched}
    differences: list[Difference] = []
    for book in sorted(ledger.roles.keys() | held.keys()):
        role = ledger.roles.get(book, VENUE_ONLY)
        at_venue = held.get(book, AccountHoldings({}, []))
        positions = {p.symbol: p.qty for p in at_venue.positions}
        pairs = [
            ("cash", ledger.cash.get(book, {}), at_venue.balances),
            ("position", ledger.positions.get(book, {}), positions),
        ]
        for what, ours, theirs in pairs:
            differences += _differing(book, role, what, ours, theirs)
    return ReconcileReport(
        now(),
        len(ledger.roles),
        len(held),
        tuple(differences),
        ledger.check,
        ledger.outbox_pending,
        ledger.orders_pending,
    )


def _differing(
    book: str,
    role: str,
    what: str,
    ours: Mapping[str, Decimal],
    theirs: Mapping[str, Decimal],
) -> list[Difference]:
    return [
        Difference(book, role, f"{what} {name}", ours.get(name, ZERO), theirs.get(name, ZERO))
        for name in sorted(ours.keys() | theirs.keys())
        if ours.get(name, ZERO) != theirs.get(name, ZERO)
    ]


def _read_ledger(uow_factory: Callable[[], SqlUnitOfWork]) -> _LedgerSide:
    with uow_factory() as uow:
        roles = dict.fromkeys(uow.accounts.provider_ids(), PROVIDER)
        roles |= dict.fromkeys((str(r.id) for r in uow.relationships.all()), RELATIONSHIP)
        # A live relationship's book trades on its exchange account, not the paper venue
        # (docs/venues.md, "Followers on their own accounts"): not compared here.
        for book in uow.live.all():
            roles.pop(book, None)
        # Nor is a watched provider's: its trades are made on its own exchange account
        # and booked from it, so the paper venue never sees them (docs/venues.md,
        # "Watching a provider's account"); reconcile_live compares it with that account.
        # Its paper account (the platform deposit) is left out with it.
        watched = frozenset(uow.trade_cursors.accounts())
        for provider in watched:
            roles.pop(provider, None)
        cash: dict[str, dict[str, Decimal]] = {}
        for kind, role in (
            (LedgerAccountKind.FOLLOWER_FREE, PROVIDER),
            (LedgerAccountKind.ALLOCATION_CASH, RELATIONSHIP),
        ):
            for (owner, code), balance in uow.ledger.balances_of_kind(kind).items():
                if roles.get(owner) == role:  # a follower's free cash is not at the venue
                    cash.setdefault(owner, {})[code] = balance
        positions: dict[str, dict[str, Decimal]] = {}
        for (book, symbol), stored in uow.positions.for_books(list(roles)).items():
            if not stored.position.is_flat:
                positions.setdefault(book, {})[symbol] = stored.position.qty
        return _LedgerSide(
            roles,
            cash,
            positions,
            watched,
            uow.ledger.reconcile(),
            uow.outbox.count_pending(),
            len(uow.orders.unconfirmed()),
        )
