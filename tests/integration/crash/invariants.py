"""The harness's own oracle: what must hold after any sequence of kills and restarts.

Independent of the product's code on purpose: it reads the tables and the
venue's books directly and does its own arithmetic (period ids, legs, sums),
so a bug shared by the product and its checks cannot hide here. Each failure
names the invariant and the book, relationship, fill or period it is about.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import (
    CopyDecisionRow,
    FillRow,
    LedgerBalanceRow,
    LedgerEntryRow,
    LedgerTransferRow,
    OrderRow,
    OutboxRow,
    PositionRow,
    RelationshipRow,
    SettlementRow,
)
from copytrade.adapters.db.schema.accounts import ProviderRow
from copytrade.adapters.db.schema.fees import SubscriptionChargeRow
from copytrade.adapters.db.schema.paper import PaperFillRow
from copytrade.adapters.venues.paper.venue import PaperVenue

from .scenario import boundaries
from .world import INSTRUMENTS, START

ZERO = D(0)
CENT = D("0.01")
OWNED_KINDS = ("follower_free", "allocation_cash", "provider_earnings", "platform_revenue")
COINS = sorted({i.base for i in INSTRUMENTS if i.is_spot})


@dataclass(frozen=True)
class Violation:
    invariant: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.invariant}] {self.subject}: {self.detail}"


def text(value: D) -> str:
    """An amount as plain text without trailing zeros (PostgreSQL keeps the column's scale)."""
    return f"{value.normalize():f}" if value else "0"


def check_all(db: Engine, now: datetime) -> list[Violation]:
    state = _read(db)
    found: list[Violation] = []
    for check in (
        _ledger,
        _books,
        _max_loss,
        _decisions,
        _settlements,
        _stops,
        _subscriptions,
        _leftovers,
    ):
        found.extend(check(state, db, now))
    return found


@dataclass
class State:
    entries: dict[str, D]
    currency_sums: dict[str, D]
    balances: dict[str, tuple[str, D]]
    transfers: set[str]
    rels: list[RelationshipRow]
    providers: dict[str, ProviderRow]
    accounts: set[str]
    positions: dict[tuple[str, str], D]
    fills: list[FillRow]
    decisions: list[CopyDecisionRow]
    settlements: list[SettlementRow]
    charges: list[SubscriptionChargeRow]
    stopped_at: dict[str, datetime]
    orders_new: list[str]
    outbox_pending: list[str]
    venue_fills: set[str]


def _read(db: Engine) -> State:
    with Session(db) as s:
        # Summed here in Decimal: SQLite's SUM would go through floats.
        entries: dict[str, D] = defaultdict(lambda: ZERO)
        sums: dict[str, D] = defaultdict(lambda: ZERO)
        rows = select(LedgerEntryRow.account, LedgerEntryRow.currency, LedgerEntryRow.amount)
        for account, currency, amount in s.execute(rows):
            entries[account] += amount
            sums[currency] += amount
        balances = {r.account: (r.kind, r.balance) for r in s.scalars(select(LedgerBalanceRow))}
        transfers = set(s.scalars(select(LedgerTransferRow.idempotency_key)))
        stopped_at = {}
        for row in s.scalars(select(OutboxRow).where(OutboxRow.topic == "relationship.stopped")):
            payload = json.loads(row.payload)
            if "relationship" in payload:
                stopped_at[payload["relationship"]] = datetime.fromisoformat(payload["stopped_at"])
        state = State(
            entries=dict(entries),
            currency_sums=dict(sums),
            balances=balances,
            transfers=transfers,
            rels=list(s.scalars(select(RelationshipRow).order_by(RelationshipRow.id))),
            providers={p.account_id: p for p in s.scalars(select(ProviderRow))},
            accounts=set(s.scalars(select(RelationshipRow.follower_id)))
            | set(s.scalars(select(ProviderRow.account_id))),
            positions={(p.book, p.symbol): p.qty for p in s.scalars(select(PositionRow))},
            fills=list(s.scalars(select(FillRow).order_by(FillRow.id))),
            decisions=list(s.scalars(select(CopyDecisionRow))),
            settlements=list(s.scalars(select(SettlementRow))),
            charges=list(s.scalars(select(SubscriptionChargeRow))),
            stopped_at=stopped_at,
            orders_new=list(
                s.scalars(select(OrderRow.client_order_id).where(OrderRow.status == "new"))
            ),
            venue_fills=set(s.scalars(select(PaperFillRow.fill_id))),
            outbox_pending=list(
                s.scalars(select(OutboxRow.message_id).where(OutboxRow.delivered_at.is_(None)))
            ),
        )
        s.expunge_all()
    return state


def _ledger(st: State, _db: Engine, _now: datetime) -> Iterable[Violation]:
    for currency, total in sorted(st.currency_sums.items()):
        if total != ZERO:
            yield Violation("ledger-sums-to-zero", currency, f"entries sum to {total}")
    for account in sorted(set(st.entries) | set(st.balances)):
        kind, balance = st.balances.get(account, ("?", ZERO))
        from_entries = st.entries.get(account, ZERO)
        if balance != from_entries:
            yield Violation(
                "balance-equals-entries",
                account,
                f"balance {text(balance)}, entries {text(from_entries)}",
            )
        if kind in OWNED_KINDS and from_entries < ZERO:
            yield Violation("owned-balance-not-negative", account, f"{from_entries}")


def _cash(st: State, kind: str, owner: str, currency: str) -> D:
    return st.entries.get(f"{kind}:{owner}:{currency}", ZERO)


def _books(st: State, db: Engine, now: datetime) -> Iterable[Violation]:
    """Ledger cash == venue cash, and platform positions == venue positions, per book."""
    venue = PaperVenue(db, INSTRUMENTS, lambda: now)
    books = [(p, "follower_free") for p in sorted(st.providers)]
    books += [(r.id, "allocation_cash") for r in st.rels]
    for book, kind in books:
        at_venue = venue.balances(book)
        for currency in ("USDT", *COINS):
            ledger = _cash(st, kind, book, currency)
            there = at_venue.get(currency, ZERO)
            if ledger != there:
                yield Violation(
                    "ledger-equals-venue-cash",
                    book,
                    f"{currency}: ledger {text(ledger)}, venue {text(there)}",
                )
        ours = {sym: qty for (b, sym), qty in st.positions.items() if b == book and qty != ZERO}
        theirs = {p.symbol: p.qty for p in venue.positions(book)}
        if ours != theirs:
            yield Violation("positions-equal-venue", book, f"platform {ours}, venue {theirs}")
    for account in sorted(st.accounts - set(st.providers)):
        held = {c: v for c, v in venue.balances(account).items() if v != ZERO}
        if held:
            yield Violation("follower-has-no-venue-account", account, f"venue holds {held}")


def _max_loss(st: State, db: Engine, now: datetime) -> Iterable[Violation]:
    """No copying relationship rests past its max loss: equity (the venue's book at its
    last prices, our arithmetic) above net allocated × (1 − max loss)."""
    venue = PaperVenue(db, INSTRUMENTS, lambda: now)
    prices = venue.prices()
    for rel in st.rels:
        if rel.status == "stopped" or rel.net_allocated <= ZERO:
            continue
        equity = venue.balances(rel.id).get("USDT", ZERO)
        for p in venue.positions(rel.id):
            mark = prices[p.symbol]
            equity += (
                p.qty * mark if _spot(p.symbol) else p.margin + p.qty * (mark - p.avg_entry_price)
            )
        floor = rel.net_allocated * (1 - rel.max_loss_pct / 100)
        if equity < floor - CENT:
            yield Violation(
                "max-loss-enforced",
                rel.id,
                f"{rel.status} with equity {text(equity)} ≤ {text(floor)} "
                f"(net allocated {text(rel.net_allocated)}, max loss {text(rel.max_loss_pct)} %)",
            )


def _legs(fills: list[FillRow], providers: set[str]) -> dict[str, set[str]]:
    """Each provider fill's legs (close / open), from our own replay of its position."""
    held: dict[tuple[str, str], D] = defaultdict(lambda: ZERO)
    legs = {}
    for f in fills:
        if f.book not in providers:
            continue
        signed = f.qty if f.side == "buy" else -f.qty
        before = held[(f.book, f.symbol)]
        if before == ZERO or (before > ZERO) == (signed > ZERO):
            close, opened = ZERO, abs(signed)
        else:
            close = min(abs(before), abs(signed))
            opened = abs(signed) - close
        legs[f.fill_id] = {leg for leg, q in (("close", close), ("open", opened)) if q > ZERO}
        held[(f.book, f.symbol)] = before + signed
    return legs


def _decisions(st: State, _db: Engine, _now: datetime) -> Iterable[Violation]:
    """Every provider fill × every relationship copying it: one decision per leg."""
    legs = _legs(st.fills, set(st.providers))
    by_pair: Counter[tuple[str, str, str]] = Counter(
        (d.provider_fill_id, d.relationship_id, d.leg) for d in st.decisions
    )
    for key, n in by_pair.items():
        if n > 1:
            yield Violation(
                "one-decision-per-leg", f"fill {key[0]} × {key[1]}", f"{n} for {key[2]}"
            )
    fill_at = {f.fill_id: f for f in st.fills}
    for fill_id, want in legs.items():
        fill = fill_at[fill_id]
        for rel in st.rels:
            if rel.provider_id != fill.book or rel.created_at >= fill.ts:
                continue
            stopped = st.stopped_at.get(rel.id)
            if stopped is not None and stopped <= fill.ts:
                continue  # stopped before (or at) the fill: no decision is due
            have = {leg for (f, r, leg) in by_pair if f == fill_id and r == rel.id}
            if have != want:
                yield Violation(
                    "every-copy-decided",
                    f"fill {fill_id} ({fill.ts:%m-%d %H:%M}) × {rel.id}",
                    f"legs {sorted(have)}, expected {sorted(want)}",
                )


def period_id(end: datetime, kind: str) -> str:
    last_day = end - timedelta(days=1)
    if kind == "weekly":
        year, week, _ = last_day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{last_day.year}-{last_day.month:02d}"


def _ends(kind: str, now: datetime) -> list[datetime]:
    return [
        b for b in boundaries(START, now) if (b.weekday() == 0 if kind == "weekly" else b.day == 1)
    ]


def _copying_at_boundaries(
    st: State, fee_model: str, now: datetime
) -> Iterator[tuple[RelationshipRow, datetime, str]]:
    """(relationship, boundary, period kind) for each boundary of its provider's period
    kind that the relationship lived through: created before it, not stopped by then."""
    for rel in st.rels:
        terms = st.providers[rel.provider_id]
        if terms.fee_model != fee_model:
            continue
        stopped = st.stopped_at.get(rel.id)
        for boundary in _ends(terms.settlement_period, now):
            if rel.created_at < boundary and (stopped is None or stopped > boundary):
                yield rel, boundary, terms.settlement_period


def _settlements(st: State, _db: Engine, now: datetime) -> Iterable[Violation]:
    """Each (relationship, period) settled at most once, and every due one settled."""
    count = Counter((s.relationship_id, s.period) for s in st.settlements)
    for (rel_id, period), n in sorted(count.items()):
        if n > 1:
            yield Violation("settled-at-most-once", rel_id, f"{period} settled {n} times")
    # A period still unsettled when its relationship stopped is covered by the stop's
    # settlement, which charges every gain above the HWM up to the stop (docs/settlement.md).
    settled_at_stop = {s.relationship_id for s in st.settlements if s.period.startswith("stop:")}
    for rel, end, kind in _copying_at_boundaries(st, "profit_share", now):
        pid = period_id(end, kind)
        if count[(rel.id, pid)] == 0 and rel.id in settled_at_stop:
            continue
        if count[(rel.id, pid)] != 1:
            yield Violation(
                "due-period-settled", rel.id, f"{pid} (ended {end:%Y-%m-%d}) not settled"
            )


def _stops(st: State, db: Engine, now: datetime) -> Iterable[Violation]:
    """A stop is settled (profit share) and its free cash released; closing stops are flat."""
    venue = PaperVenue(db, INSTRUMENTS, lambda: now)
    prices = venue.prices()
    for rel in st.rels:
        if rel.status != "stopped":
            continue
        terms = st.providers[rel.provider_id]
        if rel.id not in st.stopped_at:
            yield Violation(
                "stop-announced", rel.id, "stopped, but no relationship.stopped message"
            )
        at_stop = [
            s.period
            for s in st.settlements
            if s.relationship_id == rel.id and s.period.startswith("stop:")
        ]
        if terms.fee_model == "profit_share" and len(at_stop) != 1:
            yield Violation(
                "stop-settled",
                rel.id,
                f"settlements at the stop: {at_stop or 'none'} ({rel.stop_reason})",
            )
        open_here = venue.positions(rel.id)
        closes = rel.stop_reason == "max_loss" or rel.close_on_stop
        if closes and open_here:
            yield Violation(
                "stop-closed-positions",
                rel.id,
                f"still open: {[(p.symbol, p.qty) for p in open_here]}",
            )
        cash = _cash(st, "allocation_cash", rel.id, "USDT")
        loss = -sum(
            (
                min(ZERO, p.qty * (prices[p.symbol] - p.avg_entry_price))
                for p in open_here
                if p.symbol in prices and not _spot(p.symbol)
            ),
            ZERO,
        )
        if cash > rel.owed + loss:
            yield Violation(
                "stop-released-cash",
                rel.id,
                f"{text(cash)} USDT left in the stopped allocation "
                f"(owed {text(rel.owed)}, open perp loss {text(loss)})",
            )


def _spot(symbol: str) -> bool:
    return any(i.symbol == symbol and i.is_spot for i in INSTRUMENTS)


def _subscriptions(st: State, _db: Engine, now: datetime) -> Iterable[Violation]:
    """Each subscription period charged once (its ledger transfer with it), none missed."""
    count = Counter((c.relationship_id, c.period) for c in st.charges)
    for c in st.charges:
        if count[(c.relationship_id, c.period)] > 1:
            yield Violation("charged-at-most-once", c.relationship_id, c.period)
        key = f"sub:{c.relationship_id}:{c.period}"
        if (c.status == "paid") != (key in st.transfers):
            yield Violation(
                "charge-matches-ledger",
                c.relationship_id,
                f"{c.period} {c.status}, transfer {key in st.transfers}",
            )
    for rel, start, kind in _copying_at_boundaries(st, "subscription", now):
        # Charged in advance: the period that starts at the boundary.
        pid = period_id(start + timedelta(days=7), kind) if kind == "weekly" else f"{start:%Y-%m}"
        if count[(rel.id, pid)] == 0:
            yield Violation(
                "subscription-period-charged",
                rel.id,
                f"{pid} (from {start:%Y-%m-%d}) never charged",
            )


def _leftovers(st: State, _db: Engine, _now: datetime) -> Iterable[Violation]:
    for cid in st.orders_new:
        yield Violation("no-order-left-new", cid, "still new (never answered by the venue)")
    for mid in st.outbox_pending:
        yield Violation("outbox-delivered", mid, "never delivered")
    booked = Counter(f.fill_id for f in st.fills)
    for fill_id in sorted(st.venue_fills - set(booked)):
        yield Violation("venue-fills-booked", fill_id, "filled at the venue, never booked")
    for fill_id in sorted(set(booked) - st.venue_fills):
        yield Violation("venue-fills-booked", fill_id, "booked, but the venue has no such fill")
