"""The report ``copytrade demo`` prints: narrow tables that fit 80 columns, then words.

Each table has at most six short columns (names are at most 14 characters, amounts
are whole USDT), so nothing is cut on an 80-column terminal or when piped (Rich then
lays out at 80). ``--json`` prints the same figures (copytrade.demo.summary).
"""

from __future__ import annotations

from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table

from copytrade.demo.summary import DemoSummary
from copytrade.domain.statistics.curve import sample_indices
from copytrade.reports.leaderboard import DISCLAIMER
from copytrade.reports.sparkline import sparkline

LEGEND = (
    "ROI: return on the provider's own equity over the last 30 days / since its start, "
    "deposits and withdrawals taken out. Max DD: the deepest fall from a peak of daily "
    "equity. Sharpe: mean daily return over its standard deviation, annualised (a "
    "volatile record can lose money overall and still have its daily gains outweigh the "
    "losses). Win: closed trades in profit ('—' when none closed). Copiers: relationships "
    "still copying; AUM: their copy equity; copier PnL: every follower's equity less what "
    "they allocated, after trading fees and the profit share paid. Equity: the provider's "
    "curve from a start of 10,000. Share earned: profit share credited to the provider."
)


# Evenly spaced points of the equity curve in the copiers table: any length of history
# fits beside five figures in 80 columns.
SPARK_POINTS = 16


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _usdt(value: Decimal) -> str:
    return f"{value:,.0f}"


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)


def _leaderboard(summary: DemoSummary) -> Table:
    table = _table("Leaderboard, ranked by ROI since the start")
    table.add_column("#", justify="right")
    table.add_column("provider", no_wrap=True)
    for name in ("ROI 30d", "ROI all", "max DD", "Sharpe", "win"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("risk", no_wrap=True)
    for rank, p in enumerate(summary.providers, start=1):
        table.add_row(
            str(rank),
            p.name,
            _pct(p.roi_30d),
            _pct(p.roi_all),
            _pct(p.max_drawdown),
            "—" if p.sharpe is None else f"{p.sharpe:.2f}",
            _pct(p.win_rate),
            p.risk or "—",
        )
    return table


def _per_provider(title: str, columns: str, rows: list[list[str]]) -> Table:
    """A table of one row per provider; ``columns`` names them, ``>`` before a name
    right-justifies it (numbers)."""
    table = _table(title)
    for name in columns.split("|"):
        right = name.startswith(">")
        table.add_column(name.lstrip(">"), justify="right" if right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def _copiers(summary: DemoSummary) -> Table:
    rows = [
        [
            p.name,
            p.strategy or "—",
            str(p.followers),
            _usdt(p.aum),
            _usdt(p.copier_pnl),
            sparkline([p.equity[i] for i in sample_indices(len(p.equity), SPARK_POINTS)]),
        ]
        for p in summary.providers
    ]
    return _per_provider(
        "Copiers (USDT)", "provider|strategy|>copiers|>AUM|>copier PnL|equity", rows
    )


def _outcomes(summary: DemoSummary) -> Table:
    rows = [
        [
            p.name,
            str(p.placed),
            str(p.capped),
            str(p.skipped),
            str(p.max_loss_stops),
            _usdt(p.share_earned),
        ]
        for p in summary.providers
    ]
    return _per_provider(
        "Copy outcomes (one decision per follower per provider fill)",
        "provider|>placed|>capped|>skipped|>max-loss stops|>share earned",
        rows,
    )


def _skips(summary: DemoSummary) -> Table:
    table = _table("Skipped copies, by reason")
    table.add_column("reason")
    table.add_column("copies", justify="right", no_wrap=True)
    for _code, words, count in summary.skips:
        table.add_row(words, str(count))
    return table


def _alerts(summary: DemoSummary) -> Table:
    rows = [
        [a.label, a.owner, str(a.fired), "—" if a.last is None else a.last[5:16].replace("T", " ")]
        for a in summary.alerts
    ]
    return _per_provider(
        "Alerts fired by the demo's rules",
        "alert|owner|>fired|>last (UTC)", rows,
    )


def print_report(console: Console, summary: DemoSummary, database: str, serving: bool) -> None:
    console.print(
        f"Simulated {summary.weeks} week(s): {summary.start[:16]} to {summary.end[:16]} UTC "
        f"(seed {summary.seed})."
    )
    console.print(_leaderboard(summary))
    console.print(_copiers(summary))
    console.print(_outcomes(summary))
    if summary.skips:
        console.print(_skips(summary))
    if summary.alerts:
        console.print(_alerts(summary))
    f, s = summary.followers, summary.settlements
    console.print(
        f"Followers: {f.relationships} relationships, {f.in_profit} in profit, {f.in_loss} "
        f"in loss, {f.stopped_max_loss} stopped at their max loss; return on allocation: "
        f"median {_pct(f.median_return_pct)}, best {_pct(f.best_return_pct)}, worst "
        f"{_pct(f.worst_return_pct)}; copier PnL in all {_usdt(f.copier_pnl)} USDT."
    )
    periods = ", ".join(s.periods) or "none"
    console.print(
        f"Settlements: {s.count} (periods {periods}); profit share charged "
        f"{s.charged:,.2f} USDT = provider credit {s.provider_credit:,.2f} + platform fee "
        f"{s.platform_fee:,.2f}; still owed {s.owed:,.2f}."
    )
    console.print(
        f"Provider orders: {summary.provider_orders} ({summary.refused_orders} refused); "
        f"ledger sums to zero in every currency: {'yes' if summary.ledger_balanced else 'NO'}."
    )
    console.print(f"[dim]{LEGEND}[/dim]")
    console.print(DISCLAIMER)
    if not serving:
        console.print(
            "Next: `copytrade demo --serve` serves this demo's web UI and API on "
            "http://127.0.0.1:8000/ with the bots trading live; `copytrade leaderboard "
            f"--database {database}` prints the leaderboard again."
        )
