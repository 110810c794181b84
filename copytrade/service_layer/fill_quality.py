"""Fill quality reports (docs/statistics.md, "Fill quality"): every copy of a relationship,
follower or provider against the provider fill it mirrors, their summary, and each
relationship's tracking gap. Read-only: one unit of work, no writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.fill_quality import CopyOrderFill, DecisionFacts
from copytrade.adapters.db.repositories.provider_stats import FillFigures
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying.record import CopyRelationship
from copytrade.domain.fill_quality import (
    CopyFill,
    CopyQuality,
    FillSummary,
    GapInputs,
    LegRecord,
    ProviderFill,
    TrackingGap,
    copy_quality,
    kept_share,
    legs_of,
    median,
    summarize,
    tracking_gap,
)
from copytrade.domain.fill_quality.copies import leg_qty
from copytrade.domain.statistics.numeric import to_places
from copytrade.domain.values import ZERO
from copytrade.service_layer.following.service import UnknownProviderError, owned_relationship


@dataclass(frozen=True, slots=True)
class RelationshipFills:
    relationship_id: str
    follower_id: str
    provider_id: str
    copies: tuple[CopyQuality, ...]
    summary: FillSummary
    gap: TrackingGap | None
    kept_pct: Decimal | None  # copy return / provider return × 100 (None: return ≤ 0)


@dataclass(frozen=True, slots=True)
class FillReport:
    """``kept_pct`` is the median of the relationships' kept shares (those with one);
    ``summary`` covers every copy of every relationship."""

    scope: str
    subject: str
    relationships: tuple[RelationshipFills, ...]
    summary: FillSummary
    kept_pct: Decimal | None
    median_slippage_bps: Decimal | None


def relationship_reports(
    uow: SqlUnitOfWork, rels: Sequence[CopyRelationship], prices: Mapping[str, Decimal]
) -> list[RelationshipFills]:
    reads = uow.fill_quality
    ids = [str(r.id) for r in rels]
    decisions: dict[str, list[DecisionFacts]] = defaultdict(list)
    for d in reads.decisions(ids):
        decisions[d.relationship_id].append(d)
    fills: dict[str, list[CopyOrderFill]] = defaultdict(list)
    for f in reads.copy_fills(ids):
        fills[f.relationship_id].append(f)
    debits = reads.settlement_debits(ids)
    providers: dict[str, dict[str, tuple[ProviderFill, Decimal, Decimal]]] = {}
    # The provider's equity where each relationship started: read once per provider and
    # day (relationships opened on one day share it).
    starts: dict[tuple[str, date], Decimal | None] = {}
    reports = []
    for rel in rels:
        provider = str(rel.provider)
        if provider not in providers:
            providers[provider] = {
                f.fill_id: (f, c, o) for f, c, o in legs_of(reads.provider_fills(provider))
            }
        start = (provider, rel.created_at.date())
        if start not in starts:
            starts[start] = reads.equity_at(*start)
        reports.append(
            _report(rel, providers[provider], decisions[str(rel.id)],
                    fills[str(rel.id)], debits[str(rel.id)], starts[start], prices)
        )  # fmt: skip
    return reports


def _report(
    rel: CopyRelationship,
    provider_fills: Mapping[str, tuple[ProviderFill, Decimal, Decimal]],
    decisions: Sequence[DecisionFacts],
    copy_fills: Sequence[CopyOrderFill],
    debit: Decimal,
    start_equity: Decimal | None,
    prices: Mapping[str, Decimal],
) -> RelationshipFills:
    by_order: dict[str, list[CopyFill]] = defaultdict(list)
    symbol_of: dict[str, str] = {}
    for f in copy_fills:
        by_order[f.client_order_id].append(f.fill)
        symbol_of[f.client_order_id] = f.symbol
    legs: list[LegRecord] = []
    linked: set[str] = set()
    seen_fills: set[str] = set()
    for d in decisions:
        found = provider_fills.get(d.provider_fill_id)
        if found is None:  # no provider fill: a copy of open positions (docs/statistics.md)
            continue
        fill, close_qty, open_qty = found
        seen_fills.add(fill.fill_id)
        own = tuple(by_order.get(d.client_order_id, ())) if d.client_order_id else ()
        if d.client_order_id:
            linked.add(d.client_order_id)
        legs.append(LegRecord(str(rel.id), fill, d.leg, leg_qty((close_qty, open_qty), d.leg),
                              d.action, d.reason, own))  # fmt: skip
    unlinked = [
        (symbol_of[key], fill)
        for key, fills in by_order.items()
        if key not in linked
        for fill in fills
    ]
    provider_fees = sum((provider_fills[f][0].fee for f in seen_fills), ZERO)
    gap = tracking_gap(
        GapInputs(rel.net_allocated, start_equity or ZERO, provider_fees, debit, legs,
                  unlinked, prices)
    )  # fmt: skip
    copies = tuple(copy_quality(leg) for leg in legs)
    return RelationshipFills(
        relationship_id=str(rel.id),
        follower_id=str(rel.follower),
        provider_id=str(rel.provider),
        copies=copies,
        summary=summarize(copies),
        gap=gap,
        kept_pct=None if gap is None else kept_share(gap.copy_return, gap.provider_return),
    )


def combine(scope: str, subject: str, reports: Sequence[RelationshipFills]) -> FillReport:
    copies = [c for r in reports for c in r.copies]
    summary = summarize(copies)
    kept = median([r.kept_pct for r in reports if r.kept_pct is not None])
    kept = None if kept is None else to_places(kept)
    return FillReport(
        scope=scope,
        subject=subject,
        relationships=tuple(reports),
        summary=summary,
        kept_pct=kept,
        median_slippage_bps=summary.slippage_bps.median,
    )


@dataclass(frozen=True, slots=True)
class FillQualityReads:
    """The reports, each in its own read of the database, at the end prices ``prices()``."""

    _uow_factory: Callable[[], SqlUnitOfWork]
    _prices: Callable[[], Mapping[str, Decimal]]

    def relationship(self, relationship_id: str, owner: str | None = None) -> FillReport:
        """One relationship's report; with ``owner``, only if that follower holds it."""
        with self._uow_factory() as uow:
            rel = (
                uow.relationships.get(relationship_id)
                if owner is None
                else owned_relationship(uow, owner, relationship_id)
            )
            reports = relationship_reports(uow, [rel], self._prices())
        return combine("relationship", relationship_id, reports)

    def follower(self, follower_id: str) -> FillReport:
        with self._uow_factory() as uow:
            rels = uow.relationships.for_follower(follower_id)
            reports = relationship_reports(uow, rels, self._prices())
        return combine("follower", follower_id, reports)

    def provider(self, provider_id: str) -> FillReport:
        with self._uow_factory() as uow:
            if not uow.accounts.is_provider(provider_id):
                raise UnknownProviderError(f"no provider {provider_id!r}")
            rels = uow.relationships.for_provider(provider_id)
            reports = relationship_reports(uow, rels, self._prices())
        return combine("provider", provider_id, reports)


def refresh_fill_figures(
    uow_factory: Callable[[], SqlUnitOfWork],
    prices: Mapping[str, Decimal],
    now: datetime,
    write_guard: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> int:
    """Store every provider's kept share and median copy slippage for its leaderboard card
    (docs/statistics.md, "Fill quality"); returns how many providers. The reports are read
    outside ``write_guard`` (the engine's lock in ``serve``), the one write under it."""
    with uow_factory() as uow:
        providers = sorted(uow.accounts.provider_ids())
    reads = FillQualityReads(uow_factory, lambda: prices)
    figures = []
    for provider in providers:
        report = reads.provider(provider)
        figures.append(FillFigures(provider, len(report.relationships), report.kept_pct,
                                   report.median_slippage_bps, now))  # fmt: skip
    with write_guard(), uow_factory() as uow:
        uow.provider_stats.replace_fill_figures(figures)
        uow.commit()
    return len(figures)
