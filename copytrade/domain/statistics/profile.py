"""A provider's risk level and strategy, derived from the record by a fixed rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.positions import Position
from copytrade.domain.statistics.numeric import STATS_CONTEXT
from copytrade.domain.statistics.series import utc_day
from copytrade.domain.trades import Trade
from copytrade.domain.values import HUNDRED, ZERO


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Strategy(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class RiskBand:
    """A measure is low up to ``low`` (inclusive), medium up to ``medium``, high above."""

    low: Decimal
    medium: Decimal

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.medium:
            raise InvalidValueError(
                f"risk band bounds must satisfy 0 ≤ low ≤ medium, got {self.low}, {self.medium}"
            )

    def level(self, measure: Decimal | None) -> RiskLevel:
        if measure is None or measure <= self.low:
            return RiskLevel.LOW
        return RiskLevel.MEDIUM if measure <= self.medium else RiskLevel.HIGH


@dataclass(frozen=True, slots=True)
class ProfileRule:
    """The thresholds of the risk level and the strategy.

    Risk: a band per measure; the level is the highest any measure reaches.

    Taking the highest means one alarming measure is enough: a calm equity
    curve does not hide 50× leverage that has not blown up yet.
    """

    volatility_pct: RiskBand = RiskBand(Decimal(40), Decimal(100))
    max_drawdown_pct: RiskBand = RiskBand(Decimal(15), Decimal(35))
    avg_leverage: RiskBand = RiskBand(Decimal(2), Decimal(5))
    max_leverage: RiskBand = RiskBand(Decimal(10), Decimal(25))
    # Share of trades (by count) above which the record counts as one kind only.
    dominant_kind_pct: Decimal = Decimal(90)

    def __post_init__(self) -> None:
        if not 50 < self.dominant_kind_pct <= 100:
            raise InvalidValueError(
                f"dominant_kind_pct must be above 50 and at most 100, got {self.dominant_kind_pct}"
            )


DEFAULT_PROFILE_RULE = ProfileRule()
_ORDER = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)


def risk_level(
    volatility_pct: Decimal | None,
    max_drawdown_pct: Decimal,
    trades: Sequence[Trade],
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
) -> RiskLevel:
    """The highest of the four bands' levels; a measure that is unknown counts as low."""
    leverages = tuple(trade.leverage for trade in trades)
    with localcontext(STATS_CONTEXT):
        total = sum(leverages, ZERO)
    return risk_level_of(
        volatility_pct, max_drawdown_pct, total, max(leverages, default=None), len(leverages), rule
    )


def risk_level_of(
    volatility_pct: Decimal | None,
    max_drawdown_pct: Decimal,
    leverage_sum: Decimal,
    leverage_max: Decimal | None,
    trades: int,
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
) -> RiskLevel:
    """``risk_level`` from running sums (the trades' leverage sum and maximum, and count)."""
    levels = [
        rule.volatility_pct.level(volatility_pct),
        rule.max_drawdown_pct.level(max_drawdown_pct),
    ]
    if trades:
        with localcontext(STATS_CONTEXT):
            levels.append(rule.avg_leverage.level(leverage_sum / trades))
        levels.append(rule.max_leverage.level(leverage_max))
    return max(levels, key=_ORDER.index)


@dataclass(frozen=True, slots=True)
class OpenKinds:
    """How many of the positions open at a day's close were on spot, of how many."""

    spot: int = 0
    total: int = 0

    @classmethod
    def of(cls, positions: Iterable[Position], as_of: date) -> OpenKinds:
        """The positions open now that were opened by the close of ``as_of``."""
        held = [
            p
            for p in positions
            if not p.is_flat and p.opened_at is not None and utc_day(p.opened_at) <= as_of
        ]
        return cls(sum(1 for p in held if p.instrument.is_spot), len(held))


NOTHING_OPEN = OpenKinds()


def strategy(
    trades: Sequence[Trade],
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
    held: OpenKinds = NOTHING_OPEN,
) -> Strategy | None:
    """spot / futures when at least ``dominant_kind_pct`` of trades are of that kind, else mixed.

    A threshold rather than "any": one hedge on a perp among hundreds of spot
    trades does not make a spot trader a futures trader. With no closed trade
    the open positions (``held``) decide by the same rule: a provider who has
    only bought and held is plainly a spot trader. None with neither.
    """
    return strategy_of(sum(1 for trade in trades if trade.is_spot), len(trades), rule, held)


def strategy_of(
    spot_trades: int,
    trades: int,
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
    held: OpenKinds = NOTHING_OPEN,
) -> Strategy | None:
    """``strategy`` from counts: how many of ``trades`` were on spot instruments."""
    if not trades:
        spot_trades, trades = held.spot, held.total
    if not trades:
        return None
    with localcontext(STATS_CONTEXT):
        spot_pct = Decimal(spot_trades) * HUNDRED / trades
    if spot_pct >= rule.dominant_kind_pct:
        return Strategy.SPOT
    if HUNDRED - spot_pct >= rule.dominant_kind_pct:
        return Strategy.FUTURES
    return Strategy.MIXED
