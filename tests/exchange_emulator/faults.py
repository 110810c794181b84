"""Failures a test can switch on: each answers the next matching requests badly."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum


class Fault(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429, Binance code -1003
    SERVER_ERROR = "server_error"  # 500
    TIMEOUT = "timeout"  # answers only after the emulator's slow_seconds
    INSUFFICIENT_BALANCE = "insufficient_balance"  # 400, -2010
    INVALID_QUANTITY = "invalid_quantity"  # 400, -1013 Filter failure: LOT_SIZE
    DROP_AFTER_ACCEPT = "drop_after_accept"  # the order is taken, the connection closed
    DROP_BEFORE_ACCEPT = "drop_before_accept"  # the connection closed, nothing taken


@dataclass
class _Armed:
    fault: Fault
    method: str | None
    path_suffix: str | None
    times: int


class Faults:
    """Armed faults, consumed first come first served by matching requests."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()

    def arm(
        self, fault: Fault, *, method: str | None = None, path: str | None = None, times: int = 1
    ) -> None:
        """Fail the next ``times`` requests whose method and path end match."""
        with self._lock:
            self._armed.append(_Armed(fault, method, path, times))

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for armed in self._armed:
                if (armed.method in (None, method)) and (
                    armed.path_suffix is None or path.endswith(armed.path_suffix)
                ):
                    armed.times -= 1
                    if armed.times <= 0:
                        self._armed.remove(armed)
                    return armed.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
