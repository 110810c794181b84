"""Venue errors: temporary ones are retried with backoff, permanent ones are recorded.

A rejected order is not an error: it is a ``VenueOrder`` with status rejected and
a ``RejectReason``, because the venue did answer and the answer is final.
Malformed arguments (a float quantity, an empty id) raise ``InvalidValueError``
from the domain: they are the caller's bug, not a venue condition.
"""

from __future__ import annotations


class VenueError(Exception):
    """Base class of what a venue raises when it could not answer a request."""


class TemporaryVenueError(VenueError):
    """Worth retrying as is: the database was locked, the connection dropped, rate limited."""


class PermanentVenueError(VenueError):
    """Retrying the same request cannot help: record it with its reason.

    ``reason`` is a short machine-readable code (``authentication_failed``,
    ``permission_denied``...) the copy decision records before the message.
    """

    reason: str = "venue_error"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class UnknownOrderError(PermanentVenueError):
    """No order with this client order id exists for the account."""


class OrderNotCancellableError(PermanentVenueError):
    """The order is already filled or rejected: there is nothing left to cancel."""


class InsufficientFundsError(PermanentVenueError):
    """A withdrawal asks for more than the account's free cash."""


class UnsupportedOperationError(PermanentVenueError):
    """The venue cannot do this at all: a live exchange has no set_price or cash moves."""

    reason = "not_supported"


__all__ = [
    "InsufficientFundsError",
    "OrderNotCancellableError",
    "PermanentVenueError",
    "TemporaryVenueError",
    "UnknownOrderError",
    "UnsupportedOperationError",
    "VenueError",
]
