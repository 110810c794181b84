"""The copy pipeline's telemetry port: told of each fan-out once it is done.

The composition root attaches what an entry point wants (``copytrade serve``: the
Prometheus metrics and the decision log, docs/operations.md); the pipeline only
calls the port, so it imports neither a metrics library nor a log configuration.
Nothing is attached by default, and an observer never changes what is copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from copytrade.domain.copying.plan import PlannedDecision


class FanoutObserver(Protocol):
    def fanout_done(self, seconds: float, decisions: Sequence[PlannedDecision]) -> None:
        """One provider fill fanned out in ``seconds`` (plan, record, place, book),
        with the decision recorded for each follower and leg."""
        ...
