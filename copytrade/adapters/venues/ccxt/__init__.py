"""Live exchanges through ccxt, behind the venue port (docs/venues.md, "Live exchanges")."""

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.quirks import QUIRKS, ExchangeQuirks, quirks_for
from copytrade.adapters.venues.ccxt.venue import CcxtVenue

__all__ = ["QUIRKS", "ApiCredentials", "CcxtVenue", "ExchangeQuirks", "quirks_for"]
