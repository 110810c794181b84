"""Fill quality (docs/statistics.md, "Fill quality"): how each copy's fill compared with the
provider's, summaries per relationship, follower and provider, and the tracking gap.
Pure: the records come in, the figures go out."""

from copytrade.domain.fill_quality.copies import (
    CopyFill,
    CopyQuality,
    LegRecord,
    ProviderFill,
    copy_quality,
    legs_of,
    slippage_bps,
)
from copytrade.domain.fill_quality.gap import GapInputs, TrackingGap, tracking_gap
from copytrade.domain.fill_quality.summary import (
    SLIPPAGE_BUCKETS,
    Distribution,
    FillSummary,
    kept_share,
    median,
    summarize,
)

__all__ = [
    "SLIPPAGE_BUCKETS",
    "CopyFill",
    "CopyQuality",
    "Distribution",
    "FillSummary",
    "GapInputs",
    "LegRecord",
    "ProviderFill",
    "TrackingGap",
    "copy_quality",
    "kept_share",
    "legs_of",
    "median",
    "slippage_bps",
    "summarize",
    "tracking_gap",
]
