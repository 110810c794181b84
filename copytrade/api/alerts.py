"""Alerts for the platform's administrators, raised by ``copytrade serve``'s jobs.

An alert is logged at ERROR when raised and kept, while in force, for the admin
area (``GET /api/v1/admin/health`` lists it and answers ``degraded``); the job that
raised it clears it when its check passes again. Kept in the process: a
restarted server checks again at once (docs/api.md "Admin").
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from copytrade.service_layer.reconcile import ReconcileReport

log = logging.getLogger("copytrade.serve")

RECONCILE = "reconcile"
SHOWN_DIFFERENCES = 20  # an alert names the first ones; `copytrade reconcile` lists all


@dataclass(frozen=True, slots=True)
class Alert:
    source: str
    raised_at: datetime
    message: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "raised_at": self.raised_at.isoformat(),
            "message": self.message,
            "details": self.details,
        }


@dataclass
class Alerts:
    _active: dict[str, Alert] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def raise_alert(self, alert: Alert) -> None:
        log.error("ALERT %s: %s", alert.source, alert.message)
        with self._lock:
            self._active[alert.source] = alert

    def clear(self, source: str) -> None:
        with self._lock:
            self._active.pop(source, None)

    def active(self) -> list[Alert]:
        with self._lock:
            return sorted(self._active.values(), key=lambda a: a.source)


def reconcile_alert(report: ReconcileReport) -> Alert | None:
    """The alert a reconciliation raises: None when the books agree."""
    if report.ok:
        return None
    books = sorted({d.book for d in report.differences})
    problems = report.ledger_problems()
    message = (
        f"ledger and venue disagree on {len(books)} book(s) ({len(report.differences)} "
        f"difference(s)); the ledger's own check found {len(problems)} problem(s); "
        "run `copytrade reconcile` for the full list"
    )
    details = report.to_json()
    details["differences"] = details["differences"][:SHOWN_DIFFERENCES]
    return Alert(RECONCILE, report.checked_at, message, details)
