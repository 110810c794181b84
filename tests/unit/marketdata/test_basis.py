"""A perpetual follows its spot's path through a small mean-reverting basis."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from copytrade.marketdata import SyntheticFeed, default_symbol_specs
from copytrade.marketdata.basis import BASIS_SD, spot_of

T0 = datetime(2026, 1, 5, tzinfo=UTC)
QUARTER_HOUR = timedelta(minutes=15)
FOUR_WEEKS = 4 * 24 * 28  # quarter hours
SPOT, PERP = "BTC/USDT", "BTC/USDT:USDT"


def _paths(feed: SyntheticFeed) -> dict[str, list[Decimal]]:
    paths: dict[str, list[Decimal]] = {}
    for tick in feed:
        paths.setdefault(tick.symbol, []).append(tick.price)
    return paths


def _bases(paths: dict[str, list[Decimal]]) -> list[Decimal]:
    return [perp / spot - 1 for spot, perp in zip(paths[SPOT], paths[PERP], strict=True)]


def test_the_perp_stays_within_a_small_basis_of_its_spot() -> None:
    paths = _paths(
        SyntheticFeed(42, default_symbol_specs(SPOT, PERP), T0, QUARTER_HOUR, FOUR_WEEKS)
    )
    bases = _bases(paths)
    # Four weeks of 15-minute steps: thousands of draws, so the sample sd is close to 0.1 %.
    assert BASIS_SD * Decimal("0.7") < statistics.pstdev(bases) < BASIS_SD * Decimal("1.3")
    assert max(abs(b) for b in bases) < 6 * BASIS_SD
    assert abs(statistics.mean(bases)) < BASIS_SD / 2  # it reverts to zero, not to a drift
    assert paths[PERP][0] == paths[SPOT][0] == Decimal(60000)  # the default specs start level


def test_the_spot_path_is_unchanged_by_its_perp() -> None:
    (spot,) = default_symbol_specs(SPOT)
    alone = _paths(SyntheticFeed(42, [spot], T0, QUARTER_HOUR, 500))[SPOT]
    both = _paths(SyntheticFeed(42, default_symbol_specs(PERP, SPOT), T0, QUARTER_HOUR, 500))
    assert both[SPOT] == alone


def test_a_perp_without_its_spot_walks_on_its_own() -> None:
    (perp,) = default_symbol_specs(PERP)
    eth = default_symbol_specs("ETH/USDT")
    alone = _paths(SyntheticFeed(42, [perp], T0, QUARTER_HOUR, 300))[PERP]
    beside_another_spot = _paths(SyntheticFeed(42, [perp, *eth], T0, QUARTER_HOUR, 300))[PERP]
    assert alone == beside_another_spot
    tracking = _paths(SyntheticFeed(42, default_symbol_specs(SPOT, PERP), T0, QUARTER_HOUR, 300))
    assert alone != tracking[PERP]


def test_a_gap_at_the_start_is_the_first_basis_and_fades() -> None:
    spot, perp = default_symbol_specs(SPOT, PERP)
    perp = replace(perp, start_price=Decimal(61200))  # 2 % over its spot
    # Hourly steps for 4 days: twelve half-lives of 8 hours, the gap shrinks 4,096-fold.
    bases = _bases(_paths(SyntheticFeed(7, [spot, perp], T0, timedelta(hours=1), 97)))
    assert bases[0] == Decimal("0.02")
    assert bases[8] < Decimal("0.015")  # about halved after one half-life, noise aside
    assert max(abs(b) for b in bases[-24:]) < 5 * BASIS_SD


def test_pinned_perp_ticks_for_seed_42() -> None:
    # Pinned so that any change to the basis shows up as a failing test.
    ticks = list(SyntheticFeed(42, default_symbol_specs(SPOT, PERP), T0, QUARTER_HOUR, 1001))
    assert [t.price for t in ticks[-2:]] == [Decimal("61613.40"), Decimal("61620.79")]
    assert ticks[3].price == Decimal("59760.31")


def test_spot_of_names_the_spot_a_perp_tracks() -> None:
    assert spot_of(PERP) == SPOT
    assert spot_of(SPOT) is None
