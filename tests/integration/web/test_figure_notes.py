"""The provider page explains figures that are right but surprising (docs/web.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..api.conftest import Api
from ..engine.harness import SPOT
from ..stats.world import close_today, stats_service
from .seed import SeededWorld, seeded_world

ALL_PERIODS = "7d, 30d, 90d, all"


def _notes(html: str) -> dict[str, str]:
    """Each note on the page: its kind → the periods it names and its words."""
    return dict(re.findall(r'<li data-note="([\w-]+)">(.*?)</li>', html, re.S))


@pytest.fixture
def own_world(tmp_path: Path) -> Iterator[SeededWorld]:
    """A world of this test's own: it moves the spot price the module's world holds."""
    made = seeded_world(tmp_path)
    yield made
    made.engine.dispose()


def test_a_holder_through_a_rise_and_a_deeper_fall_gets_all_three_notes(
    own_world: SeededWorld,
) -> None:
    # Nearly all in spot, then +48 % and −40 % on two day closes: the daily returns
    # average a gain (Sharpe > 0), they compound to a loss, the fall from the high is
    # deeper than that loss, and no trade has closed.
    h = own_world.harness
    holder = h.provider("holder", "5000")
    h.trade(holder, "buy", "1.5", symbol=SPOT.symbol)
    close_today(h)
    h.tick(SPOT.symbol, "4500")
    close_today(h)
    h.tick(SPOT.symbol, "2700")
    close_today(h)
    stats_service(h).full_refresh()
    with h.platform.uow() as uow:
        row = uow.provider_stats.of_provider(holder)[
            next(iter(uow.provider_stats.of_provider(holder)))
        ]
    assert row.roi < 0 and row.sharpe is not None and row.sharpe > 0
    assert row.max_drawdown > -row.roi and row.total_trades == 0

    web = own_world.api()
    with web.client:
        html = web.client.get(f"/providers/{holder}").text
    notes = _notes(html)
    assert set(notes) == {"volatility-drag", "drawdown-beyond-loss", "return-without-trades"}
    assert html.index('id="stats"') < html.index('id="figure-notes"')  # beside the figures
    for words in notes.values():
        assert f'<span class="periods">{ALL_PERIODS}:</span>' in words
    assert "compounds" in notes["volatility-drag"] and "volatility drag" in notes["volatility-drag"]
    assert f"ROI {row.roi:.2f}%" in notes["volatility-drag"]
    assert "deepest fall from a high point" in notes["drawdown-beyond-loss"]
    assert "open positions at the market price" in notes["return-without-trades"]


def test_only_the_periods_that_surprise_are_named(web: Api, ids: dict[str, str]) -> None:
    # "pro" lost 0.44 % over the last 7 days after a fall of 0.62 % from its high;
    # over 30 days and more it gained: nothing to explain there.
    notes = _notes(web.client.get(f"/providers/{ids['pro']}").text)
    assert set(notes) == {"drawdown-beyond-loss"}
    assert notes["drawdown-beyond-loss"].startswith('<span class="periods">7d:</span>')
    assert "Max drawdown 0.62% is larger than the loss of 0.44%" in notes["drawdown-beyond-loss"]


def test_unsurprising_figures_get_no_note(web: Api, ids: dict[str, str]) -> None:
    for provider in ("solo", "young"):
        html = web.client.get(f"/providers/{ids[provider]}").text
        assert 'id="stats"' in html and 'id="figure-notes"' not in html, provider
