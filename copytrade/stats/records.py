"""The rows of ``provider_stats``: built whole from a record, or updated by one trade.

Both paths derive the trade figures from the same ``TradeTally``, so a row
updated trade by trade equals the row a full recomputation writes (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.domain.evidence import RuleFigures, trailing_moments
from copytrade.domain.statistics import (
    DEFAULT_PROFILE_RULE,
    Period,
    ProfileRule,
    TradeTally,
    returns_of_rows,
    risk_level_of,
    strategy_of,
    trailing_windows,
)
from copytrade.domain.trades import Trade
from copytrade.domain.values import ZERO
from copytrade.stats.evidence import EvidenceSettings, unranked_reasons, window_evidence
from copytrade.stats.inputs import ProviderInputs, TradeTallies

SPARKLINE_POINTS = 30
_SECOND = timedelta(seconds=1)
_MICROSECOND = timedelta(microseconds=1)


def tally_fields(tally: TradeTally) -> dict[str, Any]:
    """The record fields a trade tally determines: the sums and the figures from them."""
    figures = tally.stats()
    holding = figures.avg_holding_time
    return {
        "total_trades": tally.count,
        "wins": tally.wins,
        "gross_profit": tally.gross_profit,
        "gross_loss": tally.gross_loss,
        "holding_us": tally.holding // _MICROSECOND,
        "spot_trades": tally.spot,
        "leverage_sum": tally.leverage_sum,
        "leverage_max": tally.leverage_max,
        "pnl": figures.total_pnl,
        "win_rate": figures.win_rate,
        "profit_factor": figures.profit_factor,
        "max_loss_single_trade": figures.max_loss_single_trade,
        "avg_holding_s": None if holding is None else holding // _SECOND,
    }


def period_tallies(trades: TradeTallies, as_of: date) -> dict[Period, TradeTally]:
    """Each window's tally: the day tallies inside it merged; the whole record's total."""
    firsts = [(period, first) for period in Period if (first := period.first_day(as_of))]
    tallies = {period: TradeTally() for period, _ in firsts}
    for day, tally in trades.days.items():
        if day > as_of:
            continue
        for period, first in firsts:
            if day >= first:
                tallies[period].merge(tally)
    tallies[Period.ALL] = replace(trades.total)
    return tallies


def build_records(
    inputs: ProviderInputs,
    as_of: date,
    computed_at: datetime,
    min_track_record_days: int,
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
    evidence: EvidenceSettings = EvidenceSettings(),
) -> list[ProviderStatsRecord]:
    """The provider's four rows, as of the close of ``as_of``, from its whole record.

    Ranked when no ranking rule is breached, ``min_track_record_days`` being the
    minimum days (docs/statistics.md, "Ranking rules").

    The same figures as ``compute_stats`` (tests compare them with
    ``provider_report``), the windows' return figures computed together
    (``trailing_windows``) and the trade figures from day tallies: a full
    refresh runs this for every provider.
    """
    returns = returns_of_rows(inputs.series, through=as_of)
    tallies = period_tallies(inputs.trades, as_of)
    whole = tallies[Period.ALL]
    windows = trailing_windows(returns, (p.days for p in Period), SPARKLINE_POINTS)
    everything = windows[None]
    has_record = bool(returns.values) or whole.count > 0
    risk = (
        risk_level_of(
            everything.volatility,
            everything.max_drawdown,
            whole.leverage_sum,
            whole.leverage_max,
            whole.count,
            rule,
        )
        if has_record
        else None
    )
    strategy = strategy_of(whole.spot, whole.count, rule, inputs.held)
    roi_30d = windows[Period.D30.days].roi
    track_record_days = len(returns.values)
    copiers = inputs.copiers
    own_equity = next((row[1] for row in reversed(inputs.series) if row[0] <= as_of), ZERO)
    figures = RuleFigures(track_record_days, whole.count, copiers.aum, own_equity,
                          everything.max_drawdown, everything.roi)  # fmt: skip
    rules = replace(evidence.rules, min_days=min_track_record_days)
    reasons = unranked_reasons(rules, figures)
    moments = trailing_moments([float(r) for r in returns.values], [p.days for p in Period])
    records = []
    for period in Period:
        window = windows[period.days]
        records.append(
            ProviderStatsRecord(
                provider_id=inputs.provider_id,
                period=period,
                display_name=inputs.display_name,
                share_pct=inputs.share_pct,
                as_of=as_of,
                computed_at=computed_at,
                ranked=not reasons,
                unranked_reasons=reasons,
                **window_evidence(
                    moments[period.days], len(returns.last(period.days)), evidence
                ),
                roi=window.roi,
                roi_30d=roi_30d,
                max_drawdown=window.max_drawdown,
                sharpe=window.sharpe,
                sortino=window.sortino,
                volatility=window.volatility,
                track_record_days=track_record_days,
                active_followers=copiers.active_followers,
                aum=copiers.aum,
                copier_pnl=copiers.copier_pnl,
                risk_level=risk,
                strategy=strategy,
                sparkline=window.sparkline,
                **tally_fields(tallies[period]),
            )
        )
    return records


def add_trade(
    records: Mapping[Period, ProviderStatsRecord],
    trade: Trade,
    computed_at: datetime,
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
) -> list[ProviderStatsRecord]:
    """The rows after one more trade closed on their ``as_of`` day: O(1) per row.

    The trade falls in every window (each ends at ``as_of``); only the trade
    figures and the trade-based parts of the risk level and strategy change.
    The strategy needs no open positions here: with this trade the record has
    one, and the open positions only count for a record with none.
    """
    tallies = {period: record.tally() for period, record in records.items()}
    for tally in tallies.values():
        tally.add(trade)
    whole, everything = tallies[Period.ALL], records[Period.ALL]
    risk = risk_level_of(
        everything.volatility,
        everything.max_drawdown,
        whole.leverage_sum,
        whole.leverage_max,
        whole.count,
        rule,
    )
    strategy = strategy_of(whole.spot, whole.count, rule)
    return [
        replace(
            record,
            computed_at=computed_at,
            risk_level=risk,
            strategy=strategy,
            **tally_fields(tallies[period]),
        )
        for period, record in records.items()
    ]
