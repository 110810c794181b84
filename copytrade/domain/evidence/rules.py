"""Who is ranked at all: the anti-gaming rules (docs/statistics.md, "Ranking rules").

Each rule is off when its setting is None (the minimum days is always on, the existing
minimum track record). A provider breaching any rule keeps its statistics but is left
out of the ranking, and every breached rule is told to the user with its own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class RankingRules:
    """``min_days``: days of equity history; ``min_closed_trades``: round trips closed;
    ``min_capital``: the larger of the copiers' AUM and the provider's own equity (its
    capital at risk); ``max_drawdown_to_profit``: the whole record's max drawdown over
    its ROI (both percent), a provider with no profit breaching it by any drawdown."""

    min_days: int = 7
    min_closed_trades: int | None = None
    min_capital: Decimal | None = None
    max_drawdown_to_profit: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("min_days", "min_closed_trades"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise InvalidValueError(f"ranking rule {name} must be a whole number ≥ 0")
        for name in ("min_capital", "max_drawdown_to_profit"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or value < ZERO):
                raise InvalidValueError(f"ranking rule {name} must be a number ≥ 0")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> RankingRules:
        """From configuration (JSON): unknown keys are refused, numbers parsed exactly."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise InvalidValueError(
                f"unknown ranking rule(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if value is None:
                values[name] = None
            elif name in ("min_days", "min_closed_trades"):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise InvalidValueError(f"ranking rule {name} must be a whole number")
                values[name] = value
            else:
                try:
                    values[name] = Decimal(str(value))
                except InvalidOperation:
                    raise InvalidValueError(f"ranking rule {name} must be a number") from None
        return cls(**values)

    def describe(self) -> list[str]:
        """The rules in force, in words, for the leaderboard's explanation."""
        return [
            words.format(value)
            for name, words in _RULE_WORDS
            if (value := getattr(self, name)) is not None
        ]


_RULE_WORDS = (
    ("min_days", "at least {} days of record"),
    ("min_closed_trades", "at least {} closed trades"),
    ("min_capital", "at least {} of AUM or own capital at risk"),
    ("max_drawdown_to_profit", "max drawdown at most {} × the return"),
)


@dataclass(frozen=True, slots=True)
class RuleFigures:
    """The whole-record figures the rules look at (percent for drawdown and ROI)."""

    track_record_days: int
    closed_trades: int
    aum: Decimal
    own_equity: Decimal
    max_drawdown: Decimal
    roi: Decimal


@dataclass(frozen=True, slots=True)
class RuleBreach:
    code: str
    message: str


def breaches(rules: RankingRules, figures: RuleFigures) -> tuple[RuleBreach, ...]:
    """Every rule the figures breach, in the order of ``RankingRules``; () = ranked."""
    found: list[RuleBreach] = []
    if figures.track_record_days < rules.min_days:
        found.append(
            RuleBreach(
                "min_days",
                f"{figures.track_record_days} days of record, fewer than {rules.min_days}",
            )
        )
    if rules.min_closed_trades is not None and figures.closed_trades < rules.min_closed_trades:
        found.append(
            RuleBreach(
                "min_closed_trades",
                f"{figures.closed_trades} closed trades, fewer than {rules.min_closed_trades}",
            )
        )
    capital = max(figures.aum, figures.own_equity)
    if rules.min_capital is not None and capital < rules.min_capital:
        found.append(
            RuleBreach(
                "min_capital",
                f"{capital} of AUM or own capital at risk, less than {rules.min_capital}",
            )
        )
    limit = rules.max_drawdown_to_profit
    drawdown = figures.max_drawdown
    if (
        limit is not None
        and drawdown > ZERO
        and (figures.roi <= ZERO or drawdown > limit * figures.roi)
    ):
        found.append(
            RuleBreach(
                "max_drawdown_to_profit",
                f"max drawdown {drawdown} % against a return of {figures.roi} %, "
                f"more than {limit} ×",
            )
        )
    return tuple(found)
