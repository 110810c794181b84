"""The anti-gaming ranking rules (docs/statistics.md, "Ranking rules")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.evidence import RankingRules, RuleFigures, breaches

GOOD = RuleFigures(
    track_record_days=30,
    closed_trades=12,
    aum=Decimal("500"),
    own_equity=Decimal("2000"),
    max_drawdown=Decimal("10"),
    roi=Decimal("25"),
)


def test_defaults_rank_a_provider_with_seven_days() -> None:
    assert breaches(RankingRules(), GOOD) == ()
    short = RuleFigures(6, 12, Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    assert [b.code for b in breaches(RankingRules(), short)] == ["min_days"]
    assert breaches(RankingRules(), short)[0].message == "6 days of record, fewer than 7"


def test_every_rule_is_reported_in_order() -> None:
    rules = RankingRules.from_mapping(
        {
            "min_days": 31,
            "min_closed_trades": 13,
            "min_capital": "2000.01",
            "max_drawdown_to_profit": "0.3",
        }
    )
    found = breaches(rules, GOOD)
    assert [b.code for b in found] == [
        "min_days",
        "min_closed_trades",
        "min_capital",
        "max_drawdown_to_profit",
    ]
    # 10 % drawdown > 0.3 × 25 % = 7.5 %.
    assert found[3].message == "max drawdown 10 % against a return of 25 %, more than 0.3 ×"
    # capital is the larger of AUM and own equity: 2000 ≥ 2000.
    assert breaches(RankingRules(min_capital=Decimal(2000)), GOOD) == ()
    assert breaches(RankingRules(max_drawdown_to_profit=Decimal("0.4")), GOOD) == ()


def test_no_profit_breaches_the_drawdown_rule_unless_no_drawdown() -> None:
    rules = RankingRules(max_drawdown_to_profit=Decimal(10))
    losing = RuleFigures(30, 5, Decimal(0), Decimal(100), Decimal("1"), Decimal("-2"))
    assert [b.code for b in breaches(rules, losing)] == ["max_drawdown_to_profit"]
    flat = RuleFigures(30, 5, Decimal(0), Decimal(100), Decimal(0), Decimal(0))
    assert breaches(rules, flat) == ()


def test_config_refuses_unknown_keys_and_bad_values() -> None:
    with pytest.raises(InvalidValueError, match=r"unknown ranking rule.*min_dayz"):
        RankingRules.from_mapping({"min_dayz": 3})
    with pytest.raises(InvalidValueError, match="whole number"):
        RankingRules.from_mapping({"min_closed_trades": 2.5})
    with pytest.raises(InvalidValueError, match="must be a number"):
        RankingRules.from_mapping({"min_capital": "lots"})
    with pytest.raises(InvalidValueError, match="≥ 0"):
        RankingRules.from_mapping({"min_capital": "-1"})
    assert RankingRules.from_mapping({}) == RankingRules()
    assert RankingRules(min_closed_trades=5).describe() == [
        "at least 7 days of record",
        "at least 5 closed trades",
    ]
