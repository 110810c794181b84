"""The ranking-by-evidence fields of provider_stats rows (docs/statistics.md, "Ranking by
evidence", "Ranking rules"), on the worked example's provider Ana."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.config import Settings, SettingsError, load_settings
from copytrade.domain.evidence import RankingRules, min_track_record, moments_of
from copytrade.domain.evidence import probabilistic_sharpe as psr
from copytrade.domain.statistics import Period
from copytrade.stats.evidence import EvidenceSettings, evidence_of
from copytrade.stats.leaderboard import is_short
from copytrade.stats.records import build_records
from tests.unit.stats.test_worked_example import DAY0, ana, at

# Ana's daily returns as of day 9: 0, +0.05, −0.1, +0.1, then six flat days.
RETURNS = [0.0, 0.05, -0.1, 0.1] + [0.0] * 6


def _rows(evidence: EvidenceSettings, minimum: int = 7) -> dict[Period, ProviderStatsRecord]:
    as_of = DAY0 + timedelta(days=9)
    return {r.period: r for r in build_records(ana(as_of), as_of, at(9, 20), minimum,
                                              evidence=evidence)}  # fmt: skip


def test_rows_carry_the_psr_and_min_track_record_of_their_window() -> None:
    rows = _rows(EvidenceSettings())
    whole, week = rows[Period.ALL], rows[Period.D7]
    m = moments_of(RETURNS)
    assert m is not None
    assert whole.psr == D(repr(psr(m))).quantize(D("0.0001"))
    assert whole.return_days == 10 and week.return_days == 7
    length = min_track_record(m)
    assert length is not None
    assert whole.min_trl_days == -(-length // 1)
    assert is_short(whole) is (length > 10)
    assert whole.ranked and whole.unranked_reasons == ()
    # a benchmark above the observed Sharpe: no record length is enough
    strict = _rows(EvidenceSettings(benchmark_sharpe=5.0))[Period.ALL]
    assert strict.min_trl_days is None and is_short(strict)
    assert strict.psr is not None and whole.psr is not None and strict.psr < whole.psr


def test_rules_unrank_with_their_reasons_on_every_row() -> None:
    rules = RankingRules(min_closed_trades=4, min_capital=D(3000))
    rows = _rows(EvidenceSettings(rules=rules))
    # 3 trades; capital: AUM 2,500, own equity 1,534.5
    expected = (
        "3 closed trades, fewer than 4",
        "2500 of AUM or own capital at risk, less than 3000",
    )
    assert {(r.ranked, r.unranked_reasons) for r in rows.values()} == {(False, expected)}
    # the minimum days is the service's, whatever the rules say
    assert not _rows(EvidenceSettings(), minimum=11)[Period.ALL].ranked


def test_settings_refuse_unknown_rules() -> None:
    with pytest.raises(SettingsError, match=r"ranking_rules\.min_trades: Extra inputs"):
        load_settings(ranking_rules={"min_trades": 3})
    with pytest.raises(SettingsError, match="COPYTRADE_MIN_TRACK_RECORD_DAYS"):
        load_settings(ranking_rules={"min_days": 3})
    settings = Settings(ranking_rules={"max_drawdown_to_profit": "2"}, min_track_record_days=9,
                        psr_confidence=0.9)  # fmt: skip
    evidence = evidence_of(settings)
    assert evidence.rules == RankingRules(min_days=9, max_drawdown_to_profit=D(2))
    assert evidence.confidence == 0.9
