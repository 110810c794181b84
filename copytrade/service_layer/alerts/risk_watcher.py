"""The watcher that fires copy-trading risk alerts from the copy engine's records
(docs/alerts.md, "Risk alerts"); subscribing is ``risk.py``.

``RiskWatcher.run`` is one pass, in one unit of work: it reads the copy decisions,
settlements and provider fills recorded after its cursors (rows of
``stream_cursors``), and the current state of the owners' relationships and followed
providers; decides with the pure rules of ``domain/alerts/risk.py``; stores each alert
not stored yet (unique per rule and key) with its in-app notification, an outbox
``alert.fired`` message (so the channels deliver it like an indicator firing); moves
the cursors; commits once. Running it again records nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.domain.alerts.risk import (
    JUMP_HISTORY,
    RiskAlert,
    RiskKind,
    RiskRule,
    current_drawdown,
    drawdown_passed,
    inactive_for,
    jumped,
    near_max_loss,
    needs_attention,
    pct_text,
    relationship_drawdown,
    settlement_side,
)
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.copying.reasons import reason_words
from copytrade.domain.copying.record import CopyRelationship
from copytrade.domain.copying.relationship import StopReason
from copytrade.domain.statistics.returns import returns_of_rows
from copytrade.engine.books import load_books
from copytrade.service_layer.alerts.risk import days_text
from copytrade.service_layer.reconcile import Difference

# The watcher's cursors (stream_cursors rows): the last row id read of each source.
DECISIONS = "risk-alerts:decisions"
SETTLEMENTS = "risk-alerts:settlements"
FILLS = "risk-alerts:fills"
BATCH = 5000  # records read per source and pass; the rest on the next pass
_READS_RELATIONSHIPS = (RiskKind.JUMP, RiskKind.DRAWDOWN, RiskKind.INACTIVE, RiskKind.MAX_LOSS)
Relationships = Mapping[str, Sequence[CopyRelationship]]  # each owner's, as for_follower


class RiskWatcher:
    """One pass over what the copy engine recorded since the last (see the module)."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        prices: Callable[[], Mapping[str, Decimal]],
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._prices = prices
        self._clock = clock
        self._differences: list[Difference] = []

    def note_reconciliation(self, differences: Iterable[Difference]) -> None:
        """Books the last reconciliation found different: told on the next pass."""
        self._differences.extend(differences)

    def run(self) -> int:
        """Record the alerts due now that were not recorded yet; how many."""
        now = self._clock()
        prices = self._prices()  # before the transaction: a venue's read must not wait on it
        with self._uow_factory() as uow:
            rules = uow.risk_alerts.rules(enabled_only=True)
            cursors = uow.cursors.get_many((DECISIONS, SETTLEMENTS, FILLS))
            # The relationships of every owner a rule reads them of, once a pass.
            rels = uow.relationships.for_followers(
                {str(r.owner) for r in rules if r.kind in _READS_RELATIONSHIPS}
            )
            found: list[RiskAlert] = []
            found += self._decisions(uow, rules, cursors[DECISIONS])
            found += self._settlements(uow, rules, cursors[SETTLEMENTS])
            found += self._fills(uow, rules, cursors[FILLS], rels)
            found += self._states(uow, rules, now, prices, rels)
            found += self._reconciled(uow, rules, now)
            unique = list({(a.rule_id, a.key): a for a in found}.values())
            seen = uow.risk_alerts.recorded(unique) if unique else set()
            new = [a for a in unique if (a.rule_id, a.key) not in seen]
            uow.risk_alerts.record(new)
            uow.outbox.add_many(ALERT_FIRED, [(a.message_id, a.notice()) for a in new], now)
            uow.commit()
        self._differences.clear()
        return len(new)

    # --- events after the cursors ----------------------------------------------------

    def _decisions(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], after: int
    ) -> list[RiskAlert]:
        wanted = [r for r in rules if r.kind in (RiskKind.COPY_SKIPPED, RiskKind.ACCOUNT)]
        # Only the skipped and capped copies of the wanted rules' owners are read; the
        # cursor moves past every decision of the batch all the same.
        last, rows = uow.risk_alerts.decisions_read(after, BATCH, {str(r.owner) for r in wanted})
        if last is not None:
            uow.cursors.set(DECISIONS, last)
        alerts: list[RiskAlert] = []
        for row in rows:
            for rule in wanted:
                if str(rule.owner) != row.follower_id or row.created_at < rule.created_at:
                    continue
                if rule.provider is not None and rule.provider != row.provider_id:
                    continue
                if rule.kind is RiskKind.ACCOUNT and not needs_attention(row.reason):
                    continue
                what = "needs attention: a copy was" if rule.kind is RiskKind.ACCOUNT else "copy"
                alerts.append(RiskAlert(
                    rule.id, row.follower_id, rule.kind, f"decision:{row.id}", row.created_at,
                    f"{what} {row.action}: {reason_words(row.reason)} ({row.reason}), "
                    f"{row.symbol} of provider "
                    f"{row.provider_id}, relationship {row.relationship_id}",
                    {"relationship": row.relationship_id, "provider": row.provider_id,
                     "action": row.action, "reason": row.reason or "",
                     "qty": decimal_text(row.qty), "notional": decimal_text(row.notional),
                     "price": decimal_text(row.price)},
                    row.symbol,
                ))  # fmt: skip
        return alerts

    def _settlements(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], after: int
    ) -> list[RiskAlert]:
        rows = uow.risk_alerts.settlements_after(after, BATCH)
        if rows:
            uow.cursors.set(SETTLEMENTS, rows[-1].id)
        wanted = [r for r in rules if r.kind is RiskKind.SETTLEMENT]
        alerts: list[RiskAlert] = []
        for row in rows:
            for rule in wanted:
                owner = str(rule.owner)
                side = settlement_side(
                    owner, row.follower_id, row.provider_id, row.debit, row.provider_credit
                )
                if side is None or row.settled_at < rule.created_at:
                    continue
                amount = row.debit if side == "charged" else row.provider_credit
                alerts.append(RiskAlert(
                    rule.id, owner, rule.kind, f"settlement:{row.id}", row.settled_at,
                    f"settlement {side} {decimal_text(amount)}: relationship "
                    f"{row.relationship_id}, period {row.period}",
                    {"relationship": row.relationship_id, "period": row.period,
                     "side": side, "amount": decimal_text(amount),
                     "gross": decimal_text(row.gross), "owed_after": decimal_text(row.owed_after)},
                ))  # fmt: skip
        return alerts

    def _fills(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], after: int, rels: Relationships
    ) -> list[RiskAlert]:
        wanted = [r for r in rules if r.kind is RiskKind.JUMP]
        watched = self._watched(wanted, rels)
        providers = {p for ps in watched.values() for p in ps}
        fills = uow.risk_alerts.provider_fills_after(after, providers, BATCH) if providers else []
        if fills:
            uow.cursors.set(FILLS, fills[-1].id)
        alerts: list[RiskAlert] = []
        for fill in fills:
            history = uow.risk_alerts.provider_fills_before(fill.provider, fill.id, JUMP_HISTORY)
            sizes, levers = [h.notional for h in history], [h.leverage for h in history]
            for rule in wanted:
                if fill.provider not in watched[rule.id] or fill.ts < rule.created_at:
                    continue
                factor = rule.level or Decimal(1)
                parts = []
                size_median = jumped(sizes, fill.notional, factor)
                if size_median is not None:
                    parts.append(f"size {decimal_text(fill.notional)} > {factor} x median "
                                 f"{decimal_text(size_median)}")  # fmt: skip
                lever_median = jumped(levers, fill.leverage, factor)
                if lever_median is not None:
                    parts.append(f"leverage {decimal_text(fill.leverage)} > {factor} x median "
                                 f"{decimal_text(lever_median)}")  # fmt: skip
                if not parts:
                    continue
                alerts.append(RiskAlert(
                    rule.id, str(rule.owner), rule.kind, f"fill:{fill.id}", fill.ts,
                    f"provider {fill.provider} jumped on {fill.symbol}: " + "; ".join(parts),
                    {"provider": fill.provider, "notional": decimal_text(fill.notional),
                     "leverage": decimal_text(fill.leverage),
                     "median_notional": decimal_text(size_median) if size_median else "",
                     "median_leverage": decimal_text(lever_median) if lever_median else ""},
                    fill.symbol,
                ))  # fmt: skip
        return alerts

    # --- states now ----------------------------------------------------------------

    @staticmethod
    def _watched(rules: Sequence[RiskRule], rels: Relationships) -> dict[str, set[str]]:
        """Each rule's providers: the one it names, or every one its owner follows."""
        watched: dict[str, set[str]] = {}
        follows: dict[str, set[str]] = {}
        for rule in rules:
            owner = str(rule.owner)
            if owner not in follows:
                follows[owner] = {
                    str(rel.provider) for rel in rels[owner]
                    if rel.state.status is not RelationshipStatus.STOPPED
                }
            watched[rule.id] = {rule.provider} if rule.provider else follows[owner]
        return watched

    def _states(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], now: datetime,
        prices: Mapping[str, Decimal], rels: Relationships,
    ) -> list[RiskAlert]:
        alerts: list[RiskAlert] = []
        providers = [r for r in rules if r.kind in (RiskKind.DRAWDOWN, RiskKind.INACTIVE)]
        watched = self._watched(providers, rels)
        books = {p for ps in watched.values() for p in ps}
        inactive = any(r.kind is RiskKind.INACTIVE for r in providers)
        last = uow.risk_alerts.last_fill_at(books) if books and inactive else {}
        falls = {}
        if any(r.kind is RiskKind.DRAWDOWN for r in providers):
            for book, rows in uow.equity.series_of(sorted(books)).items():
                returns = returns_of_rows(rows)
                falls[book] = current_drawdown(returns.days(), returns.values)
        for rule in providers:
            level = rule.level or Decimal(0)
            for provider in sorted(watched[rule.id]):
                if rule.kind is RiskKind.INACTIVE:
                    since = last.get(provider)
                    if since is None or not inactive_for(since, now, level):
                        continue
                    alerts.append(RiskAlert(
                        rule.id, str(rule.owner), rule.kind,
                        f"inactive:{provider}:{since.isoformat()}", now,
                        f"provider {provider} has not traded for {days_text(now - since)} "
                        f"(since {since.isoformat()}; your level {level} days)",
                        {"provider": provider, "last_fill": since.isoformat(),
                         "days": str((now - since).days)},
                    ))  # fmt: skip
                    continue
                peak_day, fall = falls.get(provider, (None, Decimal(0)))
                if not drawdown_passed(fall, level) or fall <= 0:
                    continue
                peak = peak_day.isoformat() if peak_day else "start"
                alerts.append(RiskAlert(
                    rule.id, str(rule.owner), rule.kind, f"drawdown:{provider}:{peak}", now,
                    f"provider {provider} is {pct_text(fall)}% below its peak of {peak} "
                    f"(your level {level}%)",
                    {"provider": provider, "drawdown_pct": pct_text(fall), "peak": peak},
                ))  # fmt: skip
        max_loss = [r for r in rules if r.kind is RiskKind.MAX_LOSS]
        alerts += self._max_loss(uow, max_loss, now, prices, rels)
        return alerts

    def _max_loss(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], now: datetime,
        prices: Mapping[str, Decimal], rels_of: Relationships,
    ) -> list[RiskAlert]:
        alerts: list[RiskAlert] = []
        watched = {
            rule.id: [rel for rel in rels_of[str(rule.owner)]
                      if rule.provider is None or str(rel.provider) == rule.provider]
            for rule in rules
        }  # fmt: skip
        open_rels = {
            rel.book: rel for rels in watched.values() for rel in rels
            if rel.state.status is not RelationshipStatus.STOPPED
        }  # fmt: skip
        books = load_books(uow, list(open_rels.values())) if open_rels else {}
        for rule in rules:
            for rel in watched[rule.id]:
                if rel.state.status is RelationshipStatus.STOPPED:
                    if rel.state.stop_reason is StopReason.MAX_LOSS:
                        alerts.append(self._stop_alert(rule, rel, now))
                    continue
                equity = books[rel.book].value(prices).equity
                limit = rel.settings.max_loss_pct
                level = rule.level or Decimal(100)
                if not near_max_loss(equity, rel.net_allocated, limit, level):
                    continue
                fall = relationship_drawdown(equity, rel.net_allocated)
                alerts.append(RiskAlert(
                    rule.id, str(rule.owner), rule.kind, f"max_loss_near:{rel.id}", now,
                    f"relationship {rel.id} is {pct_text(fall)}% down, {level}% of the way to "
                    f"its {decimal_text(limit)}% max-loss stop",
                    {"relationship": str(rel.id), "provider": str(rel.provider),
                     "drawdown_pct": pct_text(fall), "max_loss_pct": decimal_text(limit),
                     "equity": decimal_text(equity),
                     "net_allocated": decimal_text(rel.net_allocated)},
                ))  # fmt: skip
        return alerts

    @staticmethod
    def _stop_alert(rule: RiskRule, rel: CopyRelationship, now: datetime) -> RiskAlert:
        limit = decimal_text(rel.settings.max_loss_pct)
        return RiskAlert(
            rule.id, str(rule.owner), rule.kind, f"max_loss_stop:{rel.id}", now,
            f"relationship {rel.id} reached its {limit}% max-loss stop and was stopped",
            {"relationship": str(rel.id), "provider": str(rel.provider), "max_loss_pct": limit},
        )

    def _reconciled(
        self, uow: SqlUnitOfWork, rules: Sequence[RiskRule], now: datetime
    ) -> list[RiskAlert]:
        wanted = [r for r in rules if r.kind is RiskKind.ACCOUNT]
        if not wanted or not self._differences:
            return []
        owners: dict[str, str] = {}
        for d in self._differences:
            if d.role == "provider":
                owners[d.book] = d.book
            elif d.role == "relationship":
                try:
                    owners[d.book] = str(uow.relationships.get(d.book).follower)
                except LookupError:
                    continue
        alerts: list[RiskAlert] = []
        for d in self._differences:
            for rule in wanted:
                if owners.get(d.book) != str(rule.owner):
                    continue
                ledger, venue = decimal_text(d.ledger), decimal_text(d.venue)
                alerts.append(RiskAlert(
                    rule.id, str(rule.owner), rule.kind,
                    f"reconcile:{d.book}:{d.what}:{ledger}:{venue}", now,
                    f"needs attention: book {d.book} {d.what} is {ledger} in the ledger "
                    f"and {venue} at the venue",
                    {"book": d.book, "what": d.what, "ledger": ledger, "venue": venue},
                ))  # fmt: skip
        return alerts
