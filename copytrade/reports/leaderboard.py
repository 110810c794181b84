"""The providers' leaderboard and their copy outcomes, as Rich tables.

The demo's table computes ``provider_report`` (recorded trades, daily equity
and the relationships' books) directly; ``cards_table`` prints a page of the
precomputed leaderboard (copytrade.stats). The disclaimer goes with every
table that shows performance (docs/statistics.md, Leaderboard; docs/api.md, Rules a follow must
pass).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from rich.table import Table

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import to_jsonable
from copytrade.domain.statistics import Period, equity_curve, sample_curve
from copytrade.reports.sparkline import sparkline
from copytrade.service_layer.provider_stats import ProviderReport
from copytrade.stats.leaderboard import LeaderboardPage

DISCLAIMER = "Past results do not guarantee future results. Copy trading can lose money."
SPARK_POINTS = 24


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def leaderboard_table(
    uow: SqlUnitOfWork, reports: Sequence[ProviderReport], names: Mapping[str, str]
) -> Table:
    table = Table(title="Leaderboard (by ROI since inception)", caption=DISCLAIMER)
    for column in ("#", "provider", "ROI 30d", "ROI all", "win rate", "max DD", "Sharpe"):
        table.add_column(column, justify="right" if column != "provider" else "left")
    for column in ("followers", "AUM", "copier PnL", "risk", "equity (10k)"):
        table.add_column(column, justify="right" if column != "equity (10k)" else "left")
    ranked = sorted(reports, key=lambda r: (-r.stats.roi_all, r.provider))
    for rank, report in enumerate(ranked, start=1):
        s = report.stats
        curve = sample_curve(equity_curve(uow.equity.series(report.provider)), SPARK_POINTS)
        table.add_row(
            str(rank),
            names.get(report.provider, report.provider),
            _pct(s.period(Period.D30).roi),
            _pct(s.roi_all),
            _pct(s.win_rate),
            _pct(s.max_drawdown),
            "—" if s.sharpe is None else f"{s.sharpe:.2f}",
            str(report.copiers.active_followers),
            _money(report.copiers.aum),
            _money(report.copiers.copier_pnl),
            s.risk_level.value if s.risk_level else "—",
            sparkline([point.value for point in curve]),
        )
    return table


def outcomes_table(
    counts: Mapping[str, Mapping[tuple[str, str | None], int]],
    stopped: Mapping[str, int],
    earnings: Mapping[str, Decimal],
    names: Mapping[str, str],
) -> Table:
    """Per provider: copies placed and capped, skips by reason, max-loss stops, earnings."""
    table = Table(title="Copy outcomes per provider")
    for column in ("provider", "placed", "capped", "skipped (top reasons)", "max-loss stops"):
        table.add_column(
            column, justify="left" if column.startswith(("provider", "skipped")) else "right"
        )
    table.add_column("profit share earned", justify="right")
    for provider in sorted(counts.keys() | earnings.keys()):
        mine = counts.get(provider, {})
        placed = sum(n for (action, _), n in mine.items() if action == "placed")
        capped = sum(n for (action, _), n in mine.items() if action == "capped")
        skips = sorted(
            ((n, reason or "?") for (action, reason), n in mine.items() if action == "skipped"),
            reverse=True,
        )
        top = ", ".join(f"{reason} {n}" for n, reason in skips[:3]) or "—"
        table.add_row(
            names.get(provider, provider),
            str(placed),
            str(capped),
            top,
            str(stopped.get(provider, 0)),
            _money(earnings.get(provider, Decimal(0))),
        )
    return table


def psr_text(psr: Decimal | None, short: bool) -> str:
    """The PSR as a percent, with "(short)" when the record is shorter than its MinTRL."""
    if psr is None:
        return "—"
    return f"{psr * 100:.1f}%" + (" (short)" if short else "")


def cards_table(page: LeaderboardPage, sort: str) -> Table:
    """One leaderboard page from the precomputed stats (``copytrade leaderboard``)."""
    period = page.cards[0].period.value if page.cards else ""
    table = Table(
        title=f"Leaderboard {period} by {sort} — page {page.page}/{page.pages}, "
        f"{page.total} providers",
        caption=DISCLAIMER,
    )
    for column in ("#", "", "provider", "ROI", "ROI 30d", "PnL", "win rate", "max DD"):
        table.add_column(column, justify="left" if column in ("", "provider") else "right")
    for column in ("Sharpe", "PSR", "followers", "AUM", "copier PnL", "kept", "share", "risk",
                   "strategy"):  # fmt: skip
        table.add_column(column, justify="right" if column not in ("risk", "strategy") else "left")
    table.add_column("equity (10k)")
    first = (page.page - 1) * page.page_size
    for rank, card in enumerate(page.cards, start=first + 1):
        table.add_row(
            str(rank),
            card.avatar,
            card.display_name,
            _pct(card.roi),
            _pct(card.roi_30d),
            _money(card.pnl),
            _pct(card.win_rate),
            _pct(card.max_drawdown),
            "—" if card.sharpe is None else f"{card.sharpe:.2f}",
            psr_text(card.psr, card.short_record),
            str(card.followers),
            _money(card.aum),
            _money(card.copier_pnl),
            _pct(card.copiers_kept_pct),
            _pct(card.share_pct),
            card.risk_level.value if card.risk_level else "—",
            card.strategy.value if card.strategy else "—",
            sparkline(card.sparkline),
        )
    return table


def leaderboard_json(page: LeaderboardPage, sort: str) -> dict[str, Any]:
    """One leaderboard page as JSON (``copytrade leaderboard --json``): the cards' fields."""
    return {
        "sort": sort,
        "page": page.page,
        "pages": page.pages,
        "page_size": page.page_size,
        "total": page.total,
        "disclaimer": DISCLAIMER,
        "providers": to_jsonable([asdict(card) for card in page.cards]),
    }
