"""The copy pipeline's decisions in the log, at debug level (docs/operations.md "Logs").

A ``FanoutObserver``: one line per follower and leg of each fan-out, with the
relationship, the action and its reason, never an amount of anyone's money
beyond the copied quantity. Nothing is formatted unless debug is on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import structlog

from copytrade.domain.copying.plan import PlannedDecision

LOGGER = "copytrade.engine"


class DecisionLog:
    def __init__(self) -> None:
        self._log = structlog.get_logger(LOGGER)

    def fanout_done(self, seconds: float, decisions: Sequence[PlannedDecision]) -> None:
        if not logging.getLogger(LOGGER).isEnabledFor(logging.DEBUG):
            return
        for planned in decisions:
            d = planned.decision
            self._log.debug(
                "copy decision",
                provider_fill=str(planned.provider_fill_id),
                provider=str(planned.provider_id),
                relationship=str(planned.relationship_id),
                leg=planned.leg.value,
                symbol=planned.symbol,
                action=d.action.value,
                reason=d.reason.value if d.reason is not None else None,
                qty=str(d.qty),
            )
        self._log.debug("fan-out done", followers=len(decisions), seconds=round(seconds, 6))
