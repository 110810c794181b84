"""Live exchanges through ccxt, behind the venue port (docs/venues.md, "Live exchanges").

``CcxtVenue`` and ``linked_venue`` are loaded on first use: importing ccxt takes about
a second, which every CLI verb would pay otherwise (the credentials and the quirk
table, which the CLI needs to link an account, do not import it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.quirks import QUIRKS, ExchangeQuirks, quirks_for

if TYPE_CHECKING:
    from copytrade.adapters.venues.ccxt.venue import CcxtVenue, linked_venue

__all__ = [
    "QUIRKS",
    "ApiCredentials",
    "CcxtVenue",
    "ExchangeQuirks",
    "linked_venue",
    "quirks_for",
]


def __getattr__(name: str) -> Any:
    if name in ("CcxtVenue", "linked_venue"):
        from copytrade.adapters.venues.ccxt import venue

        return getattr(venue, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
