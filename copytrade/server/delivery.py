"""``serve``'s ``alert-delivery`` job: the queued alert notifications sent through the
owners' channels (docs/alerts.md, "Channels"), as ``copytrade alerts deliver --watch``
does in its own process.

Deliveries are queued by the engine's outbox relay (``build_platform`` subscribes the
queue to ``alert.fired``); this job only sends. Sending waits on other machines (an
SMTP server, a webhook, Telegram: up to 10 s each), so a pass runs in a thread of its
own and the scheduler's loop (market ticks, rule evaluation) never waits on it: each
turn of the job starts a pass unless the last one is still going, and re-raises the
last pass's error so the scheduler counts and shows it (``/api/v1/admin/health``).
Writes are made under the engine lock (``DeliverySender``'s write guard). A pass cut
short by a stopping process resends, after the restart, what was sent but not yet
marked sent, with the same delivery id (at least once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from copytrade.api.runtime import ServerRuntime
from copytrade.marketdata.clock import Clock

DELIVERY_EVERY = timedelta(seconds=2)


class BackgroundPass:
    """Runs ``work`` in a daemon thread, one pass at a time."""

    def __init__(self, work: Callable[[], object], name: str) -> None:
        self._work = work
        self._name = name
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.passes = 0

    def __call__(self) -> bool:
        """Start a pass; False when the last one is still running. Raises the error the
        last pass ended with (once)."""
        if self._thread is not None and self._thread.is_alive():
            return False
        error, self._error = self._error, None
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        if error is not None:
            raise error
        return True

    def _run(self) -> None:
        try:
            self._work()
        except Exception as error:  # kept for the scheduler: raised at the next turn
            self._error = error
        finally:
            self.passes += 1

    def wait(self, timeout: float = 30.0) -> None:
        """Until the pass running now (if any) has finished."""
        if self._thread is not None:
            self._thread.join(timeout)


def delivery_pass(runtime: ServerRuntime, clock: Clock) -> BackgroundPass:
    sender = runtime.container.alert_sender(clock, write_guard=lambda: runtime.lock)
    return BackgroundPass(sender.send_due, "copytrade-alert-delivery")
