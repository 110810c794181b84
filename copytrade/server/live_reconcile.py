"""The ``live-reconcile`` job of ``copytrade serve``: every live account against its
books at start and every ``LIVE_RECONCILE_EVERY`` (docs/venues.md, "Reconciling live
accounts").

The books routed to a live venue are the platform's live books (``RoutedVenue``), and
watched providers' accounts are read too; with neither (a paper-only platform) the job
does nothing. A difference pauses the account's
relationships with reason ``reconciliation_mismatch`` and tells the follower, as
``copytrade reconcile`` does; an exchange that cannot be reached is logged, not taken
for a mismatch.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from copytrade.adapters.venues.port import Venue
from copytrade.adapters.venues.routing import RoutedVenue
from copytrade.api.runtime import ServerRuntime
from copytrade.service_layer.live_reconcile import LiveReport, reconcile_live

log = logging.getLogger("copytrade.serve")

# Three calls per live account (balances, positions, open orders), under the engine lock.
LIVE_RECONCILE_EVERY = timedelta(minutes=5)


def live_routes(venue: Venue) -> dict[str, Venue]:
    """Each live book's venue (none when the platform's venue routes no live book)."""
    if not isinstance(venue, RoutedVenue):
        return {}
    return {book: venue.venue_of(book) for book in sorted(venue.live_books())}


def reconcile_live_accounts(runtime: ServerRuntime) -> LiveReport | None:
    """One reconciliation of every live account; None without live books."""
    platform = runtime.platform
    routes = live_routes(platform.venue)
    providers = runtime.container.watched_providers(platform.clock)
    if not routes and not providers:
        return None
    report = reconcile_live(
        platform.uow, routes, platform.clock.now, platform.engine.relationships.invalidate,
        providers,
    )
    for account, why in report.unreachable:
        log.warning("live reconciliation: account %s not reached: %s", account, why)
    if report.differences:
        log.warning(
            "live reconciliation: %d difference(s); paused %s",
            len(report.differences), ", ".join(report.paused) or "nothing new",
        )
    return report
