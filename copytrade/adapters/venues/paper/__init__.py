"""The paper venue: a simulated exchange inside copytrade (the embedded default)."""

from copytrade.adapters.venues.paper.venue import PaperVenue

__all__ = ["PaperVenue"]
