"""Provider performance statistics as pure functions (docs/statistics.md; docs/domain.md).

Inputs are the provider's closed trades and its daily equity series; outputs
are Decimal figures computed in one fixed decimal context and rounded the
same way everywhere, so every deployment publishes identical numbers.
"""

from copytrade.domain.statistics.curve import (
    CurvePoint,
    compound_curve,
    equity_curve,
    sample_curve,
)
from copytrade.domain.statistics.periods import Period
from copytrade.domain.statistics.profile import (
    DEFAULT_PROFILE_RULE,
    NOTHING_OPEN,
    OpenKinds,
    ProfileRule,
    RiskBand,
    RiskLevel,
    Strategy,
    risk_level,
    risk_level_of,
    strategy,
    strategy_of,
)
from copytrade.domain.statistics.returns import (
    DailyReturns,
    daily_returns,
    growth_factor,
    returns_of_rows,
    roi,
)
from copytrade.domain.statistics.risk import annualised_volatility, max_drawdown, sharpe, sortino
from copytrade.domain.statistics.series import EquityPoint, EquityRow, check_series, utc_day
from copytrade.domain.statistics.summary import PeriodStats, ProviderStats, compute_stats
from copytrade.domain.statistics.trade_stats import (
    TradeStats,
    TradeTally,
    closed_between,
    trade_stats,
)
from copytrade.domain.statistics.windows import WindowFigures, trailing_windows

__all__ = [
    "DEFAULT_PROFILE_RULE",
    "NOTHING_OPEN",
    "CurvePoint",
    "DailyReturns",
    "EquityPoint",
    "EquityRow",
    "OpenKinds",
    "Period",
    "PeriodStats",
    "ProfileRule",
    "ProviderStats",
    "RiskBand",
    "RiskLevel",
    "Strategy",
    "TradeStats",
    "TradeTally",
    "WindowFigures",
    "annualised_volatility",
    "check_series",
    "closed_between",
    "compound_curve",
    "compute_stats",
    "daily_returns",
    "equity_curve",
    "growth_factor",
    "max_drawdown",
    "returns_of_rows",
    "risk_level",
    "risk_level_of",
    "roi",
    "sample_curve",
    "sharpe",
    "sortino",
    "strategy",
    "strategy_of",
    "trade_stats",
    "trailing_windows",
    "utc_day",
]
