"""The stored alert rules evaluated on live prices (docs/alerts.md, "Live evaluation").

``LiveAlerts`` is told every price the engine applies (``on_price``, an engine price
listener) and builds candles from them; ``run`` is one pass of ``copytrade serve``'s
``alerts`` job: follow rule changes, close the candles that are due, and record what
fired (``AlertRecorder``: firings, counts and the ``alert.fired`` notices in one
transaction). Rules are reloaded whenever the stored set changes (a rule added,
removed, switched, or fired by another process), checked by one narrow query per pass,
so a rule created through the API, the web page or the CLI is evaluated from the next
closed candle on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.alerts.errors import CandleOrderError
from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.service_layer.alerts.engine import AlertEngine
from copytrade.service_layer.alerts.recorder import AlertRecorder

log = logging.getLogger("copytrade.alerts")


class LiveAlerts:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        clock: Callable[[], datetime],
        timeframes: Iterable[Timeframe] = tuple(Timeframe),
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self.engine = AlertEngine(timeframes=timeframes)
        self._recorder = AlertRecorder(uow_factory, clock)
        self._pending: list[Firing] = []
        self._fingerprint: int | None = None

    def on_price(self, symbol: str, price: Decimal, ts: datetime) -> None:
        """One applied price; a candle it closes is evaluated now, recorded by ``run``."""
        try:
            self._pending += self.engine.on_tick(symbol, ts, price)
        except CandleOrderError as late:
            # A price stamped before the open candle (a late or replayed point) cannot
            # change a candle already closed; the books took it, the candles do not.
            log.debug("alerts: %s", late)

    def run(self) -> int:
        """One pass: reload changed rules, close due candles, record; how many fired."""
        self.reload()
        self._pending += self.engine.close_due(self._clock())
        # Kept until stored: a failed recording is retried on the next pass (the
        # recorder skips what is already stored), and the engine's rule state stays
        # ahead of the database only until then.
        recorded = self._recorder.record(self._pending)
        self._pending = []
        if recorded:
            self._recorder.fold_log()
        return recorded

    def reload(self) -> bool:
        """Load the stored rules again if they changed since the last load."""
        with self._uow_factory() as uow:
            fingerprint = uow.alerts.fingerprint()
            if fingerprint == self._fingerprint or self._pending:
                return False
            stored = {str(rule.id): rule for rule in uow.alerts.rules()}
        held = {str(rule.id): rule for rule in self.engine.rules()}
        for rule_id in held.keys() - stored.keys():
            self.engine.remove(rule_id)
        for rule_id, rule in stored.items():
            if held.get(rule_id) != rule and rule.timeframe in self.engine.candles.timeframes:
                self.engine.add(rule)
        self._fingerprint = fingerprint
        return True
