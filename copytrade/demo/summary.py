"""What a demo run produced, as figures: the report's content, printed or as JSON.

Read once, after the run, from the demo's database: the providers' statistics as of
the last simulated day, their copy outcomes, the settlements, how the followers'
relationships fared, and the ledger's check (docs/demo.md, "The report").
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from copytrade.adapters.jsonable import to_jsonable
from copytrade.demo.alerts import AlertLine, alert_lines
from copytrade.demo.runner import DemoRun
from copytrade.domain.copying import StopReason
from copytrade.domain.copying.reasons import reason_words
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.statistics import Period, equity_curve, sample_curve
from copytrade.domain.values import HUNDRED, ZERO
from copytrade.engine.books import load_books
from copytrade.service_layer.provider_stats import provider_report

SPARK_POINTS = 20


@dataclass(frozen=True, slots=True)
class ProviderLine:
    id: str
    name: str
    roi_30d: Decimal | None
    roi_all: Decimal | None
    win_rate: Decimal | None
    max_drawdown: Decimal | None
    sharpe: Decimal | None
    risk: str | None
    strategy: str | None
    trades: int
    followers: int
    aum: Decimal
    copier_pnl: Decimal
    equity: tuple[Decimal, ...]  # the equity curve from 10,000, sampled
    placed: int
    capped: int
    skipped: int
    max_loss_stops: int
    share_earned: Decimal


@dataclass(frozen=True, slots=True)
class Followers:
    relationships: int
    in_profit: int
    in_loss: int
    stopped_max_loss: int
    median_return_pct: Decimal | None
    best_return_pct: Decimal | None
    worst_return_pct: Decimal | None
    copier_pnl: Decimal


@dataclass(frozen=True, slots=True)
class Settlements:
    periods: tuple[str, ...]
    count: int
    charged: Decimal  # debited from followers' allocations
    provider_credit: Decimal
    platform_fee: Decimal
    owed: Decimal  # still owed after the last settlements (cash did not cover it)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    start: str
    end: str
    weeks: int
    seed: int
    providers: tuple[ProviderLine, ...]  # ranked by ROI since inception
    skips: tuple[tuple[str, str, int], ...]  # (reason code, in words, count), most first
    followers: Followers
    settlements: Settlements
    provider_orders: int
    refused_orders: int
    ledger_balanced: bool
    alerts: tuple[AlertLine, ...] = ()  # the demo's alert rules and what they fired

    def to_json(self) -> dict[str, Any]:
        json: dict[str, Any] = to_jsonable(
            {
                "simulated": {"start": self.start, "end": self.end, "weeks": self.weeks},
                "seed": self.seed,
                "providers": [_fields(p) for p in self.providers],
                "skipped_by_reason": [
                    {"reason": code, "words": words, "count": n} for code, words, n in self.skips
                ],
                "followers": _fields(self.followers),
                "settlements": _fields(self.settlements),
                "provider_orders": self.provider_orders,
                "refused_orders": self.refused_orders,
                "ledger_balanced": self.ledger_balanced,
                "alerts": [_fields(a) for a in self.alerts],
            }
        )
        return json


def _fields(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def summarise(run: DemoRun, weeks: int, seed: int) -> DemoSummary:
    platform = run.platform
    prices = platform.engine.prices.snapshot()
    specs = run.population.providers
    with platform.uow() as uow:
        reports = {str(p.id): provider_report(uow, str(p.id), run.last_day, prices) for p in specs}
        curves = {
            pid: sample_curve(equity_curve(uow.equity.series(pid)), SPARK_POINTS) for pid in reports
        }
        counts = uow.decisions.counts_by_provider()
        rels = uow.relationships.all()
        books = load_books(uow, rels)
        earned = uow.ledger.balances_of([LedgerAccount.provider_earnings(p) for p in reports])
        sums = uow.ledger.sum_by_currency()
        settled = uow.settlements.all()
        alerts = alert_lines(uow)
    stops = Counter(str(r.provider) for r in rels if r.state.stop_reason is StopReason.MAX_LOSS)
    lines = []
    for spec in specs:
        pid = str(spec.id)
        s, copiers = reports[pid].stats, reports[pid].copiers
        mine = counts.get(pid, {})
        lines.append(
            ProviderLine(
                id=pid,
                name=spec.display_name,
                roi_30d=s.period(Period.D30).roi,
                roi_all=s.roi_all,
                win_rate=s.win_rate,
                max_drawdown=s.max_drawdown,
                sharpe=s.sharpe,
                risk=s.risk_level.value if s.risk_level else None,
                strategy=s.strategy.value if s.strategy else None,
                trades=s.total_trades,
                followers=copiers.active_followers,
                aum=copiers.aum,
                copier_pnl=copiers.copier_pnl,
                equity=tuple(point.value for point in curves[pid]),
                placed=sum(n for (action, _), n in mine.items() if action == "placed"),
                capped=sum(n for (action, _), n in mine.items() if action == "capped"),
                skipped=sum(n for (action, _), n in mine.items() if action == "skipped"),
                max_loss_stops=stops[pid],
                share_earned=earned.get(LedgerAccount.provider_earnings(pid).key, ZERO),
            )
        )
    lines.sort(key=lambda line: (-(line.roi_all or ZERO), line.id))
    skips: Counter[str] = Counter()
    for mine in counts.values():
        for (action, reason), n in mine.items():
            if action == "skipped":
                skips[reason or "unknown"] += n
    returns = []
    for rel in rels:
        if rel.net_allocated > 0:
            gain = books[rel.book].value(prices).equity - rel.net_allocated
            returns.append(gain * HUNDRED / rel.net_allocated)
    return DemoSummary(
        start=run.start.isoformat(),
        end=run.end.isoformat(),
        weeks=weeks,
        seed=seed,
        providers=tuple(lines),
        skips=tuple((code, reason_words(code), n) for code, n in skips.most_common()),
        followers=Followers(
            relationships=len(rels),
            in_profit=sum(1 for r in returns if r > 0),
            in_loss=sum(1 for r in returns if r < 0),
            stopped_max_loss=sum(stops.values()),
            median_return_pct=_round(statistics.median(returns)) if returns else None,
            best_return_pct=_round(max(returns)) if returns else None,
            worst_return_pct=_round(min(returns)) if returns else None,
            copier_pnl=sum((line.copier_pnl for line in lines), ZERO),
        ),
        settlements=Settlements(
            periods=tuple(sorted({r.period for r in settled})),
            count=len(settled),
            charged=sum((r.settlement.debit for r in settled), ZERO),
            provider_credit=sum((r.settlement.provider_credit for r in settled), ZERO),
            platform_fee=sum((r.settlement.platform_fee for r in settled), ZERO),
            owed=_latest_owed(settled),
        ),
        provider_orders=run.orders,
        refused_orders=len(run.refused),
        ledger_balanced=all(v == 0 for v in sums.values()),
        alerts=alerts,
    )


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _latest_owed(settled: list[Any]) -> Decimal:
    """What each relationship still owes after its last settlement, summed."""
    last: dict[str, Any] = {}
    for record in sorted(settled, key=lambda r: r.settled_at):
        last[record.relationship_id] = record
    return sum((r.settlement.owed_after for r in last.values()), ZERO)
