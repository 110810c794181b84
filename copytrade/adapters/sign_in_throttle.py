"""Failed sign-ins, throttled per client and per (address, client), never per address.

OWASP's Authentication and Credential Stuffing cheat sheets: a lock-out per account
lets anyone lock its owner out, and a count per account alone never sees one client
trying one password on many accounts. So, over a sliding window of 15 minutes:

- per (address, client): ``per_account`` failures (5) stop *that client* trying *that
  address*; the owner signing in from another network is not affected;
- per client: ``per_client`` failures (20) against any addresses stop the client's
  sign-ins altogether: spraying a password over many addresses stops after 20.

A client is its network address as the server sees it (``client_key``): an IPv6
address counts by its /64, which one subscriber usually holds whole. A success
clears the (address, client) count only: a client cannot reset its own count by
signing in to an account of its own. Counts live where the limiter factory keeps them:
the process (throttle.py) or Redis for several servers (shared_limits.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import datetime, timedelta

from copytrade.adapters.throttle import LimiterFactory, memory_limiters

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_CLIENT = 20


def client_key(host: str | None) -> str:
    """The throttling key of a peer address: an IPv4 address, an IPv6 /64, else as given."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100].replace(" ", "_")
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # an IPv4 client of a dual-stack socket
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class SignInThrottle:
    def __init__(
        self,
        now: Callable[[], datetime],
        per_account: int = PER_ACCOUNT,
        per_client: int = PER_CLIENT,
        window: timedelta = WINDOW,
        limiters: LimiterFactory | None = None,
    ) -> None:
        make = limiters or memory_limiters(now)
        self._pairs = make("sign-in-pairs", per_account, window)
        self._clients = make("sign-in-clients", per_client, window)

    def retry_after(self, address: str, client: str) -> float:
        """Seconds until ``client`` may try ``address`` again; 0 when it may now."""
        return max(
            self._pairs.retry_after(_pair(address, client)), self._clients.retry_after(client)
        )

    def failed(self, address: str, client: str) -> None:
        self._pairs.record(_pair(address, client))
        self._clients.record(client)

    def succeeded(self, address: str, client: str) -> None:
        self._pairs.forget(_pair(address, client))


def _pair(address: str, client: str) -> str:
    return f"{client} {address}"  # neither holds a space
