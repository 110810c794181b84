"""Profit-share terms validation (docs/domain.md: share 0–30 %, default 10; platform fee default 2
%)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share import ProfitShareTerms


def test_defaults_follow_the_spec() -> None:
    terms = ProfitShareTerms()
    assert (terms.share_pct, terms.platform_fee_pct) == (D(10), D(2))


@pytest.mark.parametrize(("share", "fee"), [("0", "0"), ("30", "100"), ("12.5", "2.5")])
def test_accepts_bounds_and_strings(share: str, fee: str) -> None:
    terms = ProfitShareTerms(share_pct=share, platform_fee_pct=fee)  # type: ignore[arg-type]
    assert (terms.share_pct, terms.platform_fee_pct) == (D(share), D(fee))


@pytest.mark.parametrize(
    ("share", "fee", "field"),
    [
        (D("30.01"), D(2), "share_pct"),
        (D(-1), D(2), "share_pct"),
        (10.0, D(2), "share_pct"),  # floats are refused
        (D(10), D("100.5"), "platform_fee_pct"),
        (D(10), D(-2), "platform_fee_pct"),
        (D(10), "two", "platform_fee_pct"),
    ],
)
def test_bad_percents_name_the_field(share: object, fee: object, field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        ProfitShareTerms(share_pct=share, platform_fee_pct=fee)  # type: ignore[arg-type]
