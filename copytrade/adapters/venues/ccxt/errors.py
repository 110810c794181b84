"""ccxt's errors as the venue port's: temporary, permanent, or an order's rejection.

The table (docs/venues.md, "Error mapping"):

- ccxt ``OperationFailed`` — ``NetworkError`` and its ``RequestTimeout``,
  ``RateLimitExceeded``, ``DDoSProtection``, ``ExchangeNotAvailable`` (5xx), and
  ``BadResponse`` — is temporary: retrying may succeed.
- An order the exchange refused (``InsufficientFunds``, ``InvalidOrder``, ``BadSymbol``,
  ``MarketClosed``) is an answer: a rejected order with a ``RejectReason``.
- ``AuthenticationError``, ``PermissionDenied``, ``AccountSuspended`` and any other
  ``ExchangeError`` are permanent, with a reason code.

Messages are cut of their URL query strings (they carry the request's signature) and
of the account's credentials: nothing secret reaches a log or a stored reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ccxt

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.port import RejectReason

_QUERY = re.compile(r"\?\S*")


@dataclass(frozen=True, slots=True)
class Refusal:
    """The exchange refused one order: recorded as that order's rejection."""

    reject_reason: RejectReason
    message: str


# Exchange messages that name a specific filter, checked before the class fallback.
_INVALID_ORDER_HINTS: tuple[tuple[str, RejectReason], ...] = (
    ("LOT_SIZE", RejectReason.INVALID_QUANTITY),
    ("PRICE_FILTER", RejectReason.INVALID_PRICE),
    ("NOTIONAL", RejectReason.BELOW_MINIMUM),
    ("ReduceOnly", RejectReason.REDUCE_ONLY_WOULD_INCREASE),
    ("reduce only", RejectReason.REDUCE_ONLY_WOULD_INCREASE),
)

_PERMANENT_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (ccxt.PermissionDenied, "permission_denied"),
    (ccxt.AccountSuspended, "account_suspended"),
    (ccxt.AuthenticationError, "authentication_failed"),
    (ccxt.NotSupported, "not_supported"),
)


def clean_message(error: Exception, redact: tuple[str, ...] = ()) -> str:
    """The error's text without URL query strings or any of the ``redact`` values."""
    text = _QUERY.sub("", str(error))
    for secret in redact:
        if secret:
            text = text.replace(secret, "***")
    return text


def translate(
    error: ccxt.BaseError, redact: tuple[str, ...] = ()
) -> TemporaryVenueError | PermanentVenueError | Refusal:
    """What a ccxt error means for the caller (the table above)."""
    message = clean_message(error, redact)
    if isinstance(error, ccxt.OperationFailed):
        return TemporaryVenueError(f"exchange temporarily unavailable: {message}")
    if isinstance(error, ccxt.InsufficientFunds):
        return Refusal(RejectReason.INSUFFICIENT_BALANCE, message)
    if isinstance(error, ccxt.BadSymbol):
        return Refusal(RejectReason.UNKNOWN_SYMBOL, message)
    if isinstance(error, ccxt.InvalidOrder | ccxt.MarketClosed):
        for hint, reason in _INVALID_ORDER_HINTS:
            if hint in message:
                return Refusal(reason, message)
        return Refusal(RejectReason.EXCHANGE_REFUSED, message)
    for kind, code in _PERMANENT_REASONS:
        if isinstance(error, kind):
            return PermanentVenueError(f"exchange refused the account: {message}", code)
    return PermanentVenueError(f"exchange error: {message}", "exchange_error")
