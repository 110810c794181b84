"""When the provider page adds a note to its figures, and what the note says."""

from __future__ import annotations

from typing import Any

import pytest

from copytrade.web.figure_notes import figure_notes

PLAIN = {"roi": "5", "sharpe": "1.2", "max_drawdown": "3", "total_trades": 4}


def _kinds(**changes: Any) -> list[str]:
    return [note.kind for note in figure_notes({"all": {**PLAIN, **changes}}, ["all"])]


def test_ordinary_figures_need_no_note() -> None:
    assert _kinds() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"roi": "-48", "sharpe": "0.9", "max_drawdown": "48"}, ["volatility-drag"]),
        ({"roi": "-48", "sharpe": "-0.9", "max_drawdown": "48"}, []),
        ({"roi": "-48", "sharpe": None, "max_drawdown": "48"}, []),  # no Sharpe yet
        ({"roi": "-0.001", "sharpe": "0.9"}, []),  # shown as 0.00 %: not a loss on the page
        ({"roi": "-10", "sharpe": "-1", "max_drawdown": "25"}, ["drawdown-beyond-loss"]),
        ({"roi": "-10", "sharpe": "-1", "max_drawdown": "10.001"}, []),  # shown equal
        ({"roi": "10", "max_drawdown": "25"}, []),  # a drawdown on the way to a gain
        ({"total_trades": 0}, ["return-without-trades"]),
        ({"total_trades": 0, "roi": "0.004"}, []),  # shown as 0.00 %
        (
            {"total_trades": 0, "roi": "-3", "sharpe": "2", "max_drawdown": "9"},
            [
                "volatility-drag",
                "drawdown-beyond-loss",
                "return-without-trades",
            ],
        ),
    ],
)
def test_each_surprise_is_explained(changes: dict[str, Any], expected: list[str]) -> None:
    assert _kinds(**changes) == expected


def test_a_note_names_its_periods_once_with_the_first_ones_figures() -> None:
    stats = {
        "7d": {**PLAIN, "roi": "-2.5", "sharpe": "0.4", "max_drawdown": "2.5"},
        "30d": PLAIN,
        "all": {**PLAIN, "roi": "-48.123", "sharpe": "1.5", "max_drawdown": "48.2"},
    }
    (drag,) = [n for n in figure_notes(stats, ["7d", "30d", "all"]) if n.kind == "volatility-drag"]
    assert drag.periods == ("7d", "all")
    assert drag.text.startswith("Sharpe 0.40 with ROI -2.50%: Sharpe averages the daily returns")
    (drawdown,) = [n for n in figure_notes(stats, ["all"]) if n.kind == "drawdown-beyond-loss"]
    assert drawdown.text.startswith("Max drawdown 48.20% is larger than the loss of 48.12%")
