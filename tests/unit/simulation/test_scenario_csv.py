"""A scenario's price file: bars as prices from each bar's end, its funding_rate column
as funding events (docs/scenarios.md "prices")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.simulation.scenario import Funding, ScenarioError, load_scenario, timeline
from tests.unit.simulation.texts import BASE_YAML

Write = Callable[[str, str], Path]
T0 = datetime(2024, 1, 1, tzinfo=UTC)
BARS = (
    "timestamp,open,high,low,close,volume,funding_rate\n"
    "2024-01-01T04:00:00Z,40100,40100,40100,40100,1,\n"
    "2024-01-01T08:00:00Z,40200,40200,40200,40200,1,{rate}\n"
)
FILE_ITEM = "  - {csv: bars.csv, symbol: %s}\n"


def _with_file(symbol: str) -> str:
    head, tail = BASE_YAML.split("providers:", 1)
    return head + FILE_ITEM % symbol + "providers:" + tail


def test_a_price_file_gives_closes_at_bar_ends_and_funding_after_the_prices(
    write: Write,
) -> None:
    write("bars.csv", BARS.format(rate="0.0001"))
    scenario = load_scenario(write("s.yaml", _with_file("BTC/USDT:USDT")))
    file_ticks = [(t.ts, t.price) for t in scenario.prices if t.ts >= T0 + timedelta(hours=8)]
    assert file_ticks == [(T0 + timedelta(hours=8), Decimal(40100)),
                          (T0 + timedelta(hours=12), Decimal(40200))]  # fmt: skip
    assert scenario.csv_funding == (
        Funding(T0 + timedelta(hours=8), -1, "BTC/USDT:USDT", Decimal("0.0001")),
    )
    order = [type(item).__name__ for item in timeline(scenario)]
    # The 08:00 price point, then the file's funding, then the 12:00 price.
    assert order[-3:] == ["PricePoint", "Funding", "PricePoint"]


def test_funding_on_a_spot_file_and_a_bad_cell_are_refused(write: Write) -> None:
    write("bars.csv", BARS.format(rate="0.0001"))
    with pytest.raises(ScenarioError, match=r"prices\[3\]\.symbol.*spot"):
        load_scenario(write("spot.yaml", _with_file("ETH/USDT")))
    write("bars.csv", BARS.format(rate="lots"))
    with pytest.raises(ScenarioError, match=r"prices\[3\]\.csv.*line 3"):
        load_scenario(write("bad.yaml", _with_file("BTC/USDT:USDT")))
