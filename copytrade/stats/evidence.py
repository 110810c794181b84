"""The ranking-by-evidence fields of a provider_stats row (docs/statistics.md, "Ranking by
evidence"): PSR, minimum track record and moments per window, and the ranking rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from copytrade.config import Settings
from copytrade.domain.evidence import (
    RankingRules,
    ReturnMoments,
    RuleFigures,
    breaches,
    min_track_record,
    probabilistic_sharpe,
)
from copytrade.domain.statistics.numeric import DAYS_PER_YEAR, to_places

MOMENT_PLACES = Decimal("1e-12")


@dataclass(frozen=True, slots=True)
class EvidenceSettings:
    """``benchmark_sharpe``: the annualised Sharpe the PSR tests against (√365 daily);
    ``confidence``: the PSR the minimum track record must reach; ``rules``: who is ranked."""

    benchmark_sharpe: float = 0.0
    confidence: float = 0.95
    rules: RankingRules = field(default_factory=RankingRules)

    def __post_init__(self) -> None:
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must be strictly between 0 and 1, got {self.confidence}")

    @property
    def daily_benchmark(self) -> float:
        return self.benchmark_sharpe / math.sqrt(DAYS_PER_YEAR)


def evidence_of(settings: Settings) -> EvidenceSettings:
    """The evidence settings of the configuration (COPYTRADE_PSR_*, COPYTRADE_RANKING_RULES)."""
    rules = RankingRules.from_mapping(
        {**settings.ranking_rules.model_dump(), "min_days": settings.min_track_record_days}
    )
    return EvidenceSettings(settings.psr_benchmark_sharpe, settings.psr_confidence, rules)


def _exact(value: float, places: Decimal = MOMENT_PLACES) -> Decimal:
    return to_places(Decimal(repr(value)), places)


def window_evidence(
    moments: ReturnMoments | None, days: int, settings: EvidenceSettings
) -> dict[str, Any]:
    """The row fields of one window of ``days`` daily returns with these ``moments``
    (None: under 2 returns or no deviation)."""
    if moments is None:
        return {"return_days": days}
    benchmark = settings.daily_benchmark
    length = min_track_record(moments, benchmark, settings.confidence)
    return {
        "psr": _exact(probabilistic_sharpe(moments, benchmark), Decimal("0.0001")),
        "min_trl_days": None if length is None else math.ceil(length),
        "sharpe_daily": _exact(moments.sharpe),
        "skewness": _exact(moments.skew),
        "kurtosis": _exact(moments.kurtosis),
        "return_days": days,
    }


def unranked_reasons(rules: RankingRules, figures: RuleFigures) -> tuple[str, ...]:
    return tuple(breach.message for breach in breaches(rules, figures))
