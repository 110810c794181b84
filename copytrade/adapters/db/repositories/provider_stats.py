"""Precomputed provider statistics: written by the stats service, read by the leaderboard.

Figures are read back in one canonical form on both backends (percentages and
ratios at their 4 published places, amounts without PostgreSQL's padding
zeros), so the same record prints the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import chunks, trimmed
from copytrade.adapters.db.schema import ProviderFillFiguresRow, ProviderStatsRow
from copytrade.domain.statistics import Period, RiskLevel, Strategy, TradeTally
from copytrade.domain.statistics.numeric import to_places

# Published to 4 places by the domain; re-quantized on read (NUMERIC pads to 18).
FIGURES = (
    "roi",
    "roi_30d",
    "win_rate",
    "max_drawdown",
    "sharpe",
    "sortino",
    "profit_factor",
    "max_loss_single_trade",
    "volatility",
    "psr",
)
AMOUNTS = (
    "pnl",
    "aum",
    "copier_pnl",
    "share_pct",
    "gross_profit",
    "gross_loss",
    "leverage_sum",
    "leverage_max",
    "sharpe_daily",
    "skewness",
    "kurtosis",
)
# sort key column -> the exact column it is derived from
KEY_SOURCES = {
    "roi_key": "roi",
    "pnl_key": "pnl",
    "win_rate_key": "win_rate",
    "drawdown_key": "max_drawdown",
    "sharpe_key": "sharpe",
    "aum_key": "aum",
    "copier_pnl_key": "copier_pnl",
    "psr_key": "psr",
    "sr_key": "sharpe_daily",
}
SORTABLE = (*KEY_SOURCES, "active_followers")


@dataclass(frozen=True, slots=True)
class ProviderStatsRecord:
    """One provider's figures for one period, with the trade tally behind them."""

    provider_id: str
    period: Period
    display_name: str
    share_pct: Decimal
    as_of: date
    computed_at: datetime
    ranked: bool
    roi: Decimal
    roi_30d: Decimal
    pnl: Decimal
    win_rate: Decimal | None
    max_drawdown: Decimal
    sharpe: Decimal | None
    sortino: Decimal | None
    profit_factor: Decimal | None
    max_loss_single_trade: Decimal | None
    volatility: Decimal | None
    total_trades: int
    track_record_days: int
    avg_holding_s: int | None
    active_followers: int
    aum: Decimal
    copier_pnl: Decimal
    risk_level: RiskLevel | None
    strategy: Strategy | None
    sparkline: tuple[Decimal, ...]
    wins: int
    gross_profit: Decimal
    gross_loss: Decimal
    holding_us: int
    spot_trades: int
    leverage_sum: Decimal
    leverage_max: Decimal | None
    # Ranking by evidence (docs/statistics.md): the window's PSR (a probability, 4 dp),
    # its minimum track record in days, the moments of its daily returns (12 dp) and
    # how many returns; the ranking rules the provider breaches (ranked when none).
    psr: Decimal | None = None
    min_trl_days: int | None = None
    sharpe_daily: Decimal | None = None
    skewness: Decimal | None = None
    kurtosis: Decimal | None = None
    return_days: int = 0
    unranked_reasons: tuple[str, ...] = ()

    def tally(self) -> TradeTally:
        """The running sums of the period's trades, ready to take one more."""
        return TradeTally(
            count=self.total_trades,
            wins=self.wins,
            gross_profit=self.gross_profit,
            gross_loss=self.gross_loss,
            worst=self.max_loss_single_trade,
            holding=timedelta(microseconds=self.holding_us),
            spot=self.spot_trades,
            leverage_sum=self.leverage_sum,
            leverage_max=self.leverage_max,
        )


_COLUMNS = tuple(f.name for f in fields(ProviderStatsRecord))
# Plain Core statements on the session's connection: no ORM compile context,
# identity map or entity state per row (the leaderboard and the per-trade hook
# are hot paths).
_TABLE = cast(Table, ProviderStatsRow.__table__)
_SELECTED = tuple(_TABLE.c[name] for name in _COLUMNS)
_BY_KEY = (
    update(_TABLE)
    .where(_TABLE.c.provider_id == bindparam("key_provider"))
    .where(_TABLE.c.period == bindparam("key_period"))
)


def _values(record: ProviderStatsRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _COLUMNS}
    values["period"] = record.period.value
    values["risk_level"] = record.risk_level.value if record.risk_level else None
    values["strategy"] = record.strategy.value if record.strategy else None
    values["sparkline"] = json.dumps([str(v) for v in record.sparkline])
    values["unranked_reasons"] = json.dumps(list(record.unranked_reasons))
    for key, source in KEY_SOURCES.items():
        exact = values[source]
        values[key] = None if exact is None else float(exact)
    return values


def _record(row: Any) -> ProviderStatsRecord:
    values = {name: getattr(row, name) for name in _COLUMNS}
    for name in FIGURES:
        if values[name] is not None:
            values[name] = to_places(values[name])
    for name in AMOUNTS:
        if values[name] is not None:
            values[name] = trimmed(values[name])
    values["period"] = Period(row.period)
    values["risk_level"] = RiskLevel(row.risk_level) if row.risk_level else None
    values["strategy"] = Strategy(row.strategy) if row.strategy else None
    values["sparkline"] = tuple(Decimal(v) for v in json.loads(row.sparkline))
    values["unranked_reasons"] = tuple(json.loads(row.unranked_reasons))
    return ProviderStatsRecord(**values)


def as_text(record: ProviderStatsRecord) -> dict[str, str]:
    """Every field as text (for comparing backends and for debugging)."""
    text = {name: str(value) for name, value in asdict(record).items()}
    text["sparkline"] = " ".join(str(v) for v in record.sparkline)
    text["unranked_reasons"] = " | ".join(record.unranked_reasons)
    return text


@dataclass(frozen=True, slots=True)
class FillFigures:
    """What a provider's copiers kept of its return (median, percent) and the median
    slippage of their copies (bps), over ``relationships`` (docs/statistics.md)."""

    provider_id: str
    relationships: int
    kept_pct: Decimal | None
    median_slippage_bps: Decimal | None
    computed_at: datetime


_FILL_TABLE = cast(Table, ProviderFillFiguresRow.__table__)


@dataclass(frozen=True, slots=True)
class SharpeSpread:
    """How many ranked rows of a period have a daily Sharpe, and the sample variance of
    those Sharpes (0 with fewer than 2): the deflated Sharpe ratio's trials and V."""

    count: int
    variance: float


class ProviderStatsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def replace(self, records: Sequence[ProviderStatsRecord]) -> None:
        """Store ``records``, replacing every row of the providers they cover."""
        providers = sorted({r.provider_id for r in records})
        for part in chunks(providers):
            self._session.execute(
                delete(ProviderStatsRow).where(ProviderStatsRow.provider_id.in_(part))
            )
        if records:
            # Core executemany on the session's connection: no ORM bulk-insert path.
            self._session.connection().execute(insert(_TABLE), [_values(r) for r in records])

    def update_many(self, records: Sequence[ProviderStatsRecord]) -> None:
        """Overwrite existing rows by (provider, period)."""
        if records:
            params = []
            for record in records:
                values = _values(record)
                values["key_provider"] = values.pop("provider_id")
                values["key_period"] = values.pop("period")
                params.append(values)
            self._session.connection().execute(_BY_KEY, params)

    def of_provider(self, provider_id: str) -> dict[Period, ProviderStatsRecord]:
        rows = self._session.connection().execute(
            select(*_SELECTED).where(_TABLE.c.provider_id == provider_id)
        )
        return {record.period: record for record in map(_record, rows)}

    def replace_fill_figures(self, figures: Sequence[FillFigures]) -> None:
        ids = [f.provider_id for f in figures]
        for part in chunks(ids):
            self._session.execute(delete(_FILL_TABLE).where(_FILL_TABLE.c.provider_id.in_(part)))
        if figures:
            self._session.connection().execute(insert(_FILL_TABLE), [asdict(f) for f in figures])

    def fill_figures_of(self, provider_ids: Sequence[str]) -> dict[str, FillFigures]:
        found: dict[str, FillFigures] = {}
        for part in chunks(provider_ids):
            rows = self._session.connection().execute(
                select(_FILL_TABLE).where(_FILL_TABLE.c.provider_id.in_(part))
            )
            for row in rows:
                found[row.provider_id] = FillFigures(
                    row.provider_id,
                    row.relationships,
                    None if row.kept_pct is None else to_places(row.kept_pct),
                    None if row.median_slippage_bps is None else to_places(row.median_slippage_bps),
                    row.computed_at,
                )
        return found

    def sharpe_spread(self, period: Period) -> SharpeSpread:
        """One aggregate over the ranked rows' REAL ``sr_key`` (float statistics only)."""
        key = _TABLE.c.sr_key
        count, total, squares = self._session.connection().execute(
            select(func.count(key), func.sum(key), func.sum(key * key)).where(
                _TABLE.c.period == period.value, _TABLE.c.ranked, key.is_not(None)
            )
        ).one()
        n = int(count or 0)
        if n < 2:
            return SharpeSpread(n, 0.0)
        variance = (float(squares) - float(total) ** 2 / n) / (n - 1)
        return SharpeSpread(n, max(variance, 0.0))

    def page(
        self,
        period: Period,
        conditions: Sequence[Any],
        sort_key: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[ProviderStatsRecord], int]:
        """Ranked rows of ``period`` meeting ``conditions``, one page, and how many in all.

        ``conditions`` are expressions on ``provider_stats`` columns (sort keys
        and plain columns); ties break by provider id so pages never overlap.
        A first page with room to spare holds every match, so it skips the count.
        """
        if sort_key not in SORTABLE:
            raise ValueError(f"cannot sort provider stats by {sort_key!r}; use one of {SORTABLE}")
        where = [_TABLE.c.period == period.value, _TABLE.c.ranked, *conditions]
        column = _TABLE.c[sort_key]
        order = column.desc() if descending else column.asc()
        rows = (
            self._session.connection()
            .execute(
                select(*_SELECTED)
                .where(*where)
                .order_by(order.nulls_last(), _TABLE.c.provider_id)
                .offset(offset)
                .limit(limit)
            )
            .all()
        )
        if offset == 0 and len(rows) < limit:
            return [_record(row) for row in rows], len(rows)
        total = self._session.connection().scalar(
            select(func.count()).select_from(_TABLE).where(*where)
        )
        return [_record(row) for row in rows], int(total or 0)
