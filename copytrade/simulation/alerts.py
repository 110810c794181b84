"""A scenario's alert rules on the run's platform (docs/scenarios.md, "Alerts").

Indicator rules are evaluated on every price the engine applies (an engine price
listener, as in ``serve``) by ``AlertEngine`` and recorded by ``AlertRecorder`` with
their in-app notices after each timeline item; candles close on their symbol's next
price (the scenario's clock has no quiet-market closes), so the firings are the ones
``alerts replay`` finds over the same prices. Risk subscriptions are checked by
``RiskWatcher`` after each item, on the copy engine's records.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.alerts.firings import Firing
from copytrade.service_layer.alerts.engine import AlertEngine
from copytrade.service_layer.alerts.recorder import AlertRecorder
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher
from copytrade.service_layer.platform import Platform
from copytrade.simulation.scenario import Scenario

EVERY_FIRING = 10**9  # RESULT.json lists them all


def has_alerts(scenario: Scenario) -> bool:
    return bool(scenario.alerts or scenario.risk_alerts)


class ScenarioAlerts:
    def __init__(self, scenario: Scenario, platform: Platform) -> None:
        clock = platform.clock.now
        with platform.uow() as uow:
            uow.alerts.add_many(scenario.alerts)
            for rule in scenario.risk_alerts:
                uow.risk_alerts.add(rule)
            uow.commit()
        self._pending: list[Firing] = []
        self._symbols = {rule.symbol for rule in scenario.alerts}
        frames = {r.timeframe for r in scenario.alerts}
        self._engine = AlertEngine(scenario.alerts, frames) if frames else None
        self._recorder = AlertRecorder(platform.uow, clock)
        self._risk = (
            RiskWatcher(platform.uow, platform.engine.prices.snapshot, clock)
            if scenario.risk_alerts else None
        )  # fmt: skip
        if scenario.alerts:
            platform.engine.price_listeners.append(self._on_price)

    def _on_price(self, symbol: str, price: Decimal, ts: datetime) -> None:
        if self._engine is not None and symbol in self._symbols:
            self._pending += self._engine.on_tick(symbol, ts, price)

    def after_item(self) -> None:
        """Record what fired during the item just played, then the risk alerts due."""
        if self._pending:
            self._recorder.record(self._pending)
            self._pending = []
        if self._risk is not None:
            self._risk.run()


def alert_sections(uow: SqlUnitOfWork, scenario: Scenario) -> dict[str, Any]:
    """``alerts`` and ``risk_alerts``, each only when the scenario has such rules (so
    results of scenarios without any are unchanged); oldest first."""
    sections: dict[str, Any] = {}
    if scenario.alerts:
        sections["alerts"] = uow.alerts.firings(limit=EVERY_FIRING)[::-1]
    if scenario.risk_alerts:
        sections["risk_alerts"] = uow.risk_alerts.firings(limit=EVERY_FIRING)[::-1]
    return sections
