"""A hypothesis state machine that checks any ``Ledger`` against a naive model.

The model keeps only the list of accepted transfers and recomputes every balance
as the sum of their entries, so it shares no bookkeeping with the ledger under
test. Each step predicts the outcome (applied, replayed, or which refusal) from
the model, posts, and compares. To run it against another implementation:

    TestSqlLedger = ledger_state_machine(make_sql_ledger, close_sql_ledger).TestCase

or subclass ``LedgerMachine`` and override ``make_ledger`` / ``teardown``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger import (
    IdempotencyConflictError,
    InsufficientFundsError,
    Ledger,
    LedgerAccount,
    LedgerAccountKind,
    LedgerError,
    Posting,
    ReversalError,
    Transfer,
    TransferKind,
    UnbalancedTransferError,
    movements,
    reversal_of,
)
from copytrade.domain.values import USDT, ZERO, Currency, Money, round_down

from .support import BTC, TS, Stamp

USERS = (AccountId("u1"), AccountId("u2"))
RELATIONSHIPS = (RelationshipId("r1"), RelationshipId("r2"))
PROVIDER = ProviderId("p1")
CURRENCIES = (USDT, BTC)
# Spelled out here rather than read from the code under test.
MUST_STAY_NON_NEGATIVE = {
    LedgerAccountKind.FOLLOWER_FREE,
    LedgerAccountKind.ALLOCATION_CASH,
    LedgerAccountKind.PROVIDER_EARNINGS,
    LedgerAccountKind.PLATFORM_REVENUE,
}
TRADERS = tuple(
    account(owner, currency)
    for currency in CURRENCIES
    for account, owners in (
        (LedgerAccount.follower_free, USERS),
        (LedgerAccount.allocation_cash, RELATIONSHIPS),
    )
    for owner in owners
)
UNIVERSE = (
    *TRADERS,
    *(LedgerAccount.world(c) for c in CURRENCIES),
    *(LedgerAccount.market("paper", c) for c in CURRENCIES),
    LedgerAccount.trading_fees("paper", USDT),
    LedgerAccount.provider_earnings(PROVIDER, USDT),
    LedgerAccount.platform_revenue(USDT),
)
AMOUNTS = st.one_of(
    st.integers(1, 2_000).map(Decimal),
    st.decimals(Decimal("0.00000001"), Decimal(2_000), places=8),
)
APPLIED, REPLAYED = "applied", "replayed"


Outcome = str | type[LedgerError]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledger: Ledger = self.make_ledger()
        self.accepted: list[Transfer] = []  # the model: accepted transfers, in order
        self.attempted: list[Transfer] = []  # everything posted, refused ones included
        self.steps = 0

    def make_ledger(self) -> Ledger:
        raise NotImplementedError("subclass LedgerMachine or use ledger_state_machine()")

    # -- the model -----------------------------------------------------------------------

    def model_balance(self, account: LedgerAccount) -> Decimal:
        return sum(
            (p.amount for t in self.accepted for p in t.entries if p.account == account), ZERO
        )

    def model_transfer(self, key: str) -> Transfer | None:
        return next((t for t in self.accepted if t.idempotency_key == key), None)

    @staticmethod
    def substance(transfer: Transfer) -> tuple[object, ...]:
        moves = frozenset((p.account.key, p.amount) for p in transfer.entries)
        return (transfer.kind, transfer.reverses, moves)

    def expected(self, transfer: Transfer) -> Outcome:
        first = self.model_transfer(transfer.idempotency_key)
        if first is not None:
            same = self.substance(first) == self.substance(transfer)
            return REPLAYED if same else IdempotencyConflictError
        if transfer.reverses is not None:
            original = self.model_transfer(transfer.reverses)
            undone = any(t.reverses == transfer.reverses for t in self.accepted)
            if original is None or original.kind is TransferKind.REVERSAL or undone:
                return ReversalError
            negated = {(p.account.key, -p.amount) for p in original.entries}
            if {(p.account.key, p.amount) for p in transfer.entries} != negated:
                return ReversalError
        for posting in transfer.entries:
            guarded = posting.account.kind in MUST_STAY_NON_NEGATIVE
            if guarded and self.model_balance(posting.account) + posting.amount < ZERO:
                return InsufficientFundsError
        return APPLIED

    def snapshot(self) -> tuple[object, ...]:
        return tuple((self.ledger.balance(a), len(self.ledger.entries_for(a))) for a in UNIVERSE)

    def submit(self, transfer: Transfer) -> None:
        expected = self.expected(transfer)
        before = self.snapshot()
        self.attempted.append(transfer)
        try:
            result = self.ledger.post(transfer)
        except LedgerError as error:
            assert type(error) is expected, f"{transfer.describe()}: {error!r}, wanted {expected}"
            assert self.snapshot() == before, "a refused transfer changed the ledger"
            return
        if expected == REPLAYED:
            assert result.replayed and result.transfer == self.model_transfer(
                transfer.idempotency_key
            )
            assert self.snapshot() == before, "a replay moved value"
            return
        assert expected == APPLIED, f"{transfer.describe()} was applied, wanted {expected}"
        assert not result.replayed and result.transfer == transfer
        self.accepted.append(transfer)

    def stamp(self) -> Stamp:
        self.steps += 1
        return {"key": f"t-{self.steps}", "ts": TS + timedelta(seconds=self.steps)}

    def amount(self, data: st.DataObject, account: LedgerAccount) -> Decimal:
        """Random, or half the balance, all of it, or one unit more: around the edge."""
        balance, unit = self.model_balance(account), account.currency.unit
        near = [round_down(balance / 2, unit), balance, balance + unit] if balance > ZERO else []
        choices = [st.just(value) for value in near if value > ZERO]
        drawn: Decimal = data.draw(st.one_of(AMOUNTS, *choices))
        return drawn

    # -- movements -----------------------------------------------------------------------

    @rule(user=st.sampled_from(USERS), currency=st.sampled_from(CURRENCIES), amount=AMOUNTS)
    def deposit(self, user: AccountId, currency: Currency, amount: Decimal) -> None:
        self.submit(movements.deposit(user, Money(amount, currency), **self.stamp()))

    @rule(user=st.sampled_from(USERS), currency=st.sampled_from(CURRENCIES), data=st.data())
    def withdraw(self, user: AccountId, currency: Currency, data: st.DataObject) -> None:
        free = LedgerAccount.follower_free(user, currency)
        money = Money(self.amount(data, free), free.currency)
        self.submit(movements.withdraw(user, money, **self.stamp()))

    @rule(user=st.sampled_from(USERS), rel=st.sampled_from(RELATIONSHIPS), data=st.data())
    def allocate(self, user: AccountId, rel: RelationshipId, data: st.DataObject) -> None:
        money = Money(self.amount(data, LedgerAccount.follower_free(user)), USDT)
        self.submit(movements.allocate(user, rel, money, **self.stamp()))

    @rule(user=st.sampled_from(USERS), rel=st.sampled_from(RELATIONSHIPS), data=st.data())
    def release(self, user: AccountId, rel: RelationshipId, data: st.DataObject) -> None:
        money = Money(self.amount(data, LedgerAccount.allocation_cash(rel)), USDT)
        self.submit(movements.release(rel, user, money, **self.stamp()))

    @rule(account=st.sampled_from(TRADERS[:4]), data=st.data(), rebate=st.booleans())
    def fee(self, account: LedgerAccount, data: st.DataObject, rebate: bool) -> None:
        value = self.amount(data, account)
        self.submit(movements.trading_fee(account, -value if rebate else value, **self.stamp()))

    @rule(account=st.sampled_from(TRADERS), data=st.data(), loss=st.booleans())
    def pnl(self, account: LedgerAccount, data: st.DataObject, loss: bool) -> None:
        value = self.amount(data, account)
        self.submit(movements.realized_pnl(account, -value if loss else value, **self.stamp()))

    @rule(account=st.sampled_from(TRADERS[:4]), data=st.data(), sell=st.booleans())
    def spot(self, account: LedgerAccount, data: st.DataObject, sell: bool) -> None:
        usdt, btc = account, account.in_currency(BTC)
        paid, got = (btc, usdt) if sell else (usdt, btc)
        give = Money(self.amount(data, paid), paid.currency)
        receive = Money(data.draw(AMOUNTS), got.currency)
        self.submit(movements.exchange(account, give, receive, **self.stamp()))

    @rule(
        rel=st.sampled_from(RELATIONSHIPS),
        data=st.data(),
        platform_pct=st.sampled_from([Decimal(0), Decimal(2), Decimal(100)]),
    )
    def settle(self, rel: RelationshipId, data: st.DataObject, platform_pct: Decimal) -> None:
        gross = self.amount(data, LedgerAccount.allocation_cash(rel))
        fee = round_down(gross * platform_pct / 100, USDT.unit)
        self.submit(movements.profit_share(rel, PROVIDER, gross - fee, fee, **self.stamp()))

    @rule(user=st.sampled_from(USERS), data=st.data())
    def payout(self, user: AccountId, data: st.DataObject) -> None:
        money = Money(self.amount(data, LedgerAccount.provider_earnings(PROVIDER)), USDT)
        self.submit(movements.pay_out_earnings(PROVIDER, user, money, **self.stamp()))

    # -- idempotency, conflicts, corrections ---------------------------------------------

    @precondition(lambda self: self.attempted)
    @rule(data=st.data(), later=st.booleans())
    def replay(self, data: st.DataObject, later: bool) -> None:
        """Post an earlier transfer again, possibly restamped later (a client's retry)."""
        old = data.draw(st.sampled_from(self.attempted))
        ts = old.ts + timedelta(days=1) if later else old.ts
        self.submit(Transfer(old.idempotency_key, old.kind, old.entries, ts, "retry", old.reverses))

    @precondition(lambda self: self.accepted)
    @rule(data=st.data(), user=st.sampled_from(USERS), amount=AMOUNTS)
    def reuse_key(self, data: st.DataObject, user: AccountId, amount: Decimal) -> None:
        old = data.draw(st.sampled_from(self.accepted))
        self.submit(
            movements.deposit(user, Money(amount, USDT), key=old.idempotency_key, ts=old.ts)
        )

    @precondition(lambda self: self.attempted)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self.attempted))
        if original.kind is TransferKind.REVERSAL:
            try:
                reversal_of(original, "never-posted", TS)
            except ReversalError:
                return
            raise AssertionError("a reversal of a reversal was built")
        self.submit(reversal_of(original, **self.stamp()))

    @precondition(lambda self: len(self.accepted) >= 2)
    @rule(data=st.data())
    def forged_reversal(self, data: st.DataObject) -> None:
        """A reversal naming one transfer but undoing another must be refused."""
        named, undone = data.draw(st.lists(st.sampled_from(self.accepted), min_size=2, max_size=2))
        entries = tuple(Posting(p.account, -p.amount) for p in undone.entries)
        stamp = self.stamp()
        forged = Transfer(
            stamp["key"], TransferKind.REVERSAL, entries, stamp["ts"], "", named.idempotency_key
        )
        self.submit(forged)

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS, extra=AMOUNTS)
    def unbalanced(self, user: AccountId, amount: Decimal, extra: Decimal) -> None:
        entries = (
            Posting(LedgerAccount.world(), -amount),
            Posting(LedgerAccount.follower_free(user), amount + extra),
        )
        try:
            Transfer("unbalanced", TransferKind.DEPOSIT, entries, TS)
        except UnbalancedTransferError:
            return
        raise AssertionError("an unbalanced transfer was built")

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def sums_are_zero_per_currency(self) -> None:
        sums = self.ledger.sum_by_currency()
        assert all(total == ZERO for total in sums.values()), sums

    @invariant()
    def balances_match_model_and_journal(self) -> None:
        for account in UNIVERSE:
            balance = self.ledger.balance(account)
            lines = self.ledger.entries_for(account)
            assert balance == self.model_balance(account), account
            assert balance == sum((line.amount for line in lines), ZERO), account
            assert not lines or lines[-1].balance_after == balance, account
            if account.kind in MUST_STAY_NON_NEGATIVE:
                assert balance >= ZERO, f"{account} is {balance}"


def ledger_state_machine(
    factory: Callable[[], Ledger], cleanup: Callable[[Ledger], None] | None = None
) -> type[LedgerMachine]:
    """A ``LedgerMachine`` over ledgers built by ``factory`` (one per run, cleaned up after)."""

    class Machine(LedgerMachine):
        def make_ledger(self) -> Ledger:
            return factory()

        def teardown(self) -> None:
            if cleanup is not None:
                cleanup(self.ledger)

    return Machine
