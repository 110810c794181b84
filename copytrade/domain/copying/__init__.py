"""Copy relationships: settings, lifecycle, sizing, the risk gate, max loss, closes
(docs/domain.md, Copying)."""

from copytrade.domain.copying.closing import (
    CloseContext,
    close_fraction,
    follower_close_qty,
    gate_closing,
    split_flip,
)
from copytrade.domain.copying.fill import FillContext
from copytrade.domain.copying.gate import FollowerBook, cap_symbol_exposure, gate_opening
from copytrade.domain.copying.maxloss import drawdown, loss_fraction_reached, max_loss_reached
from copytrade.domain.copying.reasons import CopyAction, CopyDecision, ReasonCode
from copytrade.domain.copying.record import CopyRelationship
from copytrade.domain.copying.relationship import (
    TRANSITIONS,
    Paused,
    PauseReason,
    RelationshipEvent,
    RelationshipState,
    RelationshipStatus,
    Resumed,
    Stopped,
    StopReason,
    closes_positions_on_stop,
    parse_pause_reason,
    parse_stop_reason,
)
from copytrade.domain.copying.settings import CopySettings, SizingMode, parse_mode
from copytrade.domain.copying.sizing import SizedCopy, copy_leverage, notional_for, size_copy

__all__ = [
    "TRANSITIONS",
    "CloseContext",
    "CopyAction",
    "CopyDecision",
    "CopyRelationship",
    "CopySettings",
    "FillContext",
    "FollowerBook",
    "PauseReason",
    "Paused",
    "ReasonCode",
    "RelationshipEvent",
    "RelationshipState",
    "RelationshipStatus",
    "Resumed",
    "SizedCopy",
    "SizingMode",
    "StopReason",
    "Stopped",
    "cap_symbol_exposure",
    "close_fraction",
    "closes_positions_on_stop",
    "copy_leverage",
    "drawdown",
    "follower_close_qty",
    "gate_closing",
    "gate_opening",
    "loss_fraction_reached",
    "max_loss_reached",
    "notional_for",
    "parse_mode",
    "parse_pause_reason",
    "parse_stop_reason",
    "size_copy",
    "split_flip",
]
