"""Funding rates from a CSV column and from the synthetic perps' premium
(docs/marketdata.md "Funding rates")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.marketdata.errors import CsvFormatError, InvalidMarketDataError
from copytrade.marketdata.funding import (
    FundingFromBasis,
    FundingRate,
    load_funding_rates,
    next_funding_time,
    synthetic_rate,
)
from copytrade.marketdata.ticks import PriceTick

D = Decimal
T0 = datetime(2024, 6, 3, tzinfo=UTC)
PERP, SPOT = "BTC/USDT:USDT", "BTC/USDT"


def test_the_synthetic_rate_is_the_premium_plus_the_clamped_interest() -> None:
    assert synthetic_rate(D(40000), D(40000)) == D("0.0001")  # no premium: the interest
    # premium 0.1 %: 0.001 + clamp(0.0001 − 0.001, ±0.0005) = 0.0005
    assert synthetic_rate(D(40040), D(40000)) == D("0.0005")
    assert synthetic_rate(D(36000), D(40000)) == D("-0.0075")  # −10 % premium: capped


def test_rates_come_at_each_funding_time_from_the_last_prices_before_it() -> None:
    watch = FundingFromBasis(T0 + timedelta(hours=1))
    assert watch.observe(PriceTick(SPOT, T0 + timedelta(hours=1), D(40000))) == []
    assert watch.observe(PriceTick(PERP, T0 + timedelta(hours=1), D(40040))) == []
    due = watch.observe(PriceTick(PERP, T0 + timedelta(hours=8, seconds=1), D(39000)))
    assert due == [FundingRate(PERP, T0 + timedelta(hours=8), D("0.0005"))]
    # A gap over two funding times gives both, at the prices last seen (perp 39,000,
    # spot 40,000: −2.5 %, capped); the tick's own price counts only after them.
    later = watch.observe(PriceTick(SPOT, T0 + timedelta(hours=24), D(39000)))
    assert [(r.ts.hour, r.rate) for r in later] == [(16, D("-0.0075")), (0, D("-0.0075"))]


def _seeded_rates(seed: int) -> list[FundingRate]:
    watch = FundingFromBasis(T0, seed)
    ticks = [PriceTick("ETH/USDT:USDT", T0 + timedelta(hours=h), D(3000)) for h in range(25)]
    return watch.observe_all(ticks)


def test_a_perp_without_its_spot_gets_a_seeded_rate_at_each_funding_time() -> None:
    rates = _seeded_rates(7)
    # T0 itself passes before any price is seen; then 08:00, 16:00 and 00:00.
    assert [r.ts - T0 for r in rates] == [timedelta(hours=h) for h in (8, 16, 24)]
    assert rates == _seeded_rates(7)  # deterministic
    assert [r.rate for r in rates] != [r.rate for r in _seeded_rates(8)]
    assert all(abs(r.rate) <= D("0.0075") for r in rates)
    # Without a seed a perp needs its spot: no rate.
    assert (
        FundingFromBasis(T0).observe_all(
            [PriceTick("ETH/USDT:USDT", T0 + timedelta(hours=h), D(3000)) for h in range(25)]
        )
        == []
    )


def test_next_funding_time() -> None:
    assert next_funding_time(T0) == T0
    assert next_funding_time(T0 + timedelta(minutes=1)) == T0 + timedelta(hours=8)
    assert next_funding_time(T0 + timedelta(hours=15)) == T0 + timedelta(hours=16)


def test_a_csv_funding_column_gives_the_rates_of_its_funding_times(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    path.write_text(
        "timestamp,open,high,low,close,volume,symbol,funding_rate\n"
        "2024-06-03T00:00:00Z,1,1,1,1,1,BTC/USDT:USDT,0.0001\n"
        "2024-06-03T04:00:00Z,1,1,1,1,1,BTC/USDT:USDT,\n"
        "2024-06-03T08:00:00Z,1,1,1,1,1,BTC/USDT:USDT,-0.00025\n",
        encoding="utf-8",
    )
    assert load_funding_rates(path) == (
        FundingRate(PERP, T0, D("0.0001")),
        FundingRate(PERP, T0 + timedelta(hours=8), D("-0.00025")),
    )


def test_a_rate_off_a_funding_time_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    path.write_text(
        "timestamp,open,high,low,close,volume,funding_rate\n"
        "2024-06-03T00:00:00Z,1,1,1,1,1,0.0001\n"
        "2024-06-03T05:00:00Z,1,1,1,1,1,0.0001\n",
        encoding="utf-8",
    )
    with pytest.raises(CsvFormatError, match="line 3"):
        load_funding_rates(path, PERP)


def test_rates_beyond_the_cap_are_refused() -> None:
    with pytest.raises(InvalidMarketDataError, match="within"):
        FundingRate(PERP, T0, D("0.06"))
