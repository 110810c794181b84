"""Plain-words notes beside a provider's figures that are right but look wrong (docs/web.md).

Three combinations make readers doubt the numbers: a positive Sharpe with a
negative ROI, a max drawdown larger than the loss, and a non-zero ROI with no
closed trade. Each is explained once, naming the periods it shows in and the
figures of the first of them. Figures are compared as shown (to 0.01), so a
note never contrasts two numbers the page prints alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from copytrade.web.pages import number, percent

_SHOWN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class FigureNote:
    kind: str  # a stable name, for the page's markup and for tests
    periods: tuple[str, ...]
    text: str


def _shown(figures: Mapping[str, Any], key: str) -> Decimal | None:
    value = figures.get(key)
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(_SHOWN, ROUND_HALF_EVEN)


def _volatility_drag(figures: Mapping[str, Any]) -> str | None:
    sharpe, roi = _shown(figures, "sharpe"), _shown(figures, "roi")
    if sharpe is None or roi is None or not (sharpe > 0 and roi < 0):
        return None
    return (
        f"Sharpe {number(sharpe)} with ROI {percent(roi)}: Sharpe averages the daily returns, "
        "ROI compounds them. Losses weigh more than the gains that average them out "
        "(−10 % then +10 % leaves −1 %), so a volatile record can gain on an average day "
        "and still lose overall (volatility drag)."
    )


def _drawdown_beyond_loss(figures: Mapping[str, Any]) -> str | None:
    drawdown, roi = _shown(figures, "max_drawdown"), _shown(figures, "roi")
    if drawdown is None or roi is None or not (roi < 0 and drawdown > -roi):
        return None
    return (
        f"Max drawdown {percent(drawdown)} is larger than the loss of {percent(-roi)}: the "
        "drawdown is the deepest fall from a high point, so the equity either rose before "
        "it fell or has won part of the fall back since."
    )


def _return_without_trades(figures: Mapping[str, Any]) -> str | None:
    roi = _shown(figures, "roi")
    if figures.get("total_trades") != 0 or roi is None or roi == 0:
        return None
    return (
        f"ROI {percent(roi)} with no closed trade: ROI follows the account's equity, which "
        "values open positions at the market price; a trade is only counted once its "
        "position is closed."
    )


_RULES: tuple[tuple[str, Callable[[Mapping[str, Any]], str | None]], ...] = (
    ("volatility-drag", _volatility_drag),
    ("drawdown-beyond-loss", _drawdown_beyond_loss),
    ("return-without-trades", _return_without_trades),
)


def figure_notes(
    stats: Mapping[str, Mapping[str, Any]], periods: Sequence[str]
) -> list[FigureNote]:
    """The notes the figures of ``periods`` (in that order) call for; each kind once."""
    notes = []
    for kind, rule in _RULES:
        found = [(period, text) for period in periods if (text := rule(stats[period]))]
        if found:
            notes.append(FigureNote(kind, tuple(p for p, _ in found), found[0][1]))
    return notes
