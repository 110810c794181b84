"""The paper venue: a simulated exchange inside copytrade (the embedded default)."""

from copytrade.venues.paper.venue import PaperVenue

__all__ = ["PaperVenue"]
