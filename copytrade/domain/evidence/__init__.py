"""Ranking by evidence (docs/statistics.md, "Ranking by evidence"): the probabilistic and
deflated Sharpe ratios, the minimum track record length, and the rules that decide who is
ranked at all. Pure functions of daily returns and figures."""

from copytrade.domain.evidence.rules import (
    RankingRules,
    RuleBreach,
    RuleFigures,
    breaches,
)
from copytrade.domain.evidence.sharpe import (
    EULER_GAMMA,
    ReturnMoments,
    deflated_sharpe,
    expected_max_sharpe,
    min_track_record,
    moments_of,
    probabilistic_sharpe,
    trailing_moments,
)

__all__ = [
    "EULER_GAMMA",
    "RankingRules",
    "ReturnMoments",
    "RuleBreach",
    "RuleFigures",
    "breaches",
    "deflated_sharpe",
    "expected_max_sharpe",
    "min_track_record",
    "moments_of",
    "probabilistic_sharpe",
    "trailing_moments",
]
