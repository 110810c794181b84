"""Errors at the HTTP edge: every one a JSON body ``{"error": {"code", "message"}}``.

The mapping from our error classes to status codes lives here and only here;
the layers below raise their own errors and know nothing of HTTP.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from copytrade.adapters.db.repositories.accounts import DuplicateAccountError, UnknownAccountError
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.secrets import SecretsError
from copytrade.adapters.shared_limits import RateLimitStoreError
from copytrade.adapters.throttle import TooManyRequestsError
from copytrade.adapters.venues.errors import (
    OrderNotCancellableError,
    PermanentVenueError,
    TemporaryVenueError,
    VenueError,
)
from copytrade.domain.alerts.errors import AlertNotFoundError, ChannelNotFoundError
from copytrade.domain.copying.triggers import TriggerError
from copytrade.domain.errors import DomainError, InvalidTransitionError, InvalidValueError
from copytrade.domain.identity import (
    AuthenticationError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from copytrade.domain.ledger.errors import IdempotencyConflictError, InsufficientFundsError
from copytrade.domain.profit_share.hwm import WithdrawalRefusedError
from copytrade.service_layer.accounts import FeeModelLockedError
from copytrade.service_layer.api_keys import TooManyApiKeysError, UnknownApiKeyError
from copytrade.service_layer.exchange_accounts import (
    ExchangeAccountError,
    ExchangeNotOfferedError,
    UnknownExchangeAccountError,
    WithdrawingKeyError,
)
from copytrade.service_layer.following.service import (
    AllocationLimitError,
    CopyingNotOfferedError,
    DisclosureOutdatedError,
    FollowerCapReachedError,
    FreeBalanceTooLowError,
    MinimumAllocationError,
    ProviderLimitError,
    RiskNotAcknowledgedError,
    SelfFollowError,
    TotalAllocationLimitError,
    UnknownProviderError,
)
from copytrade.service_layer.trading import UnknownOrderOfUserError

log = logging.getLogger("copytrade.api")


class NotFoundError(DomainError, LookupError):
    """The thing asked for does not exist (or is not the caller's to see)."""


# Most specific first: the first class an error is an instance of decides.
_STATUS: list[tuple[type[Exception], int, str]] = [
    (NotFoundError, 404, "not_found"),
    (TooManyAttemptsError, 429, "too_many_attempts"),
    (TooManyRequestsError, 429, "too_many_requests"),
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (DuplicateAccountError, 409, "duplicate"),
    (IdempotencyConflictError, 409, "idempotency_conflict"),
    (FeeModelLockedError, 409, "fee_model_locked"),
    (UnknownAccountError, 404, "not_found"),
    (UnknownRelationshipError, 404, "not_found"),
    (UnknownProviderError, 404, "not_found"),
    (DisclosureOutdatedError, 409, "disclosure_outdated"),
    (RiskNotAcknowledgedError, 422, "risk_not_acknowledged"),
    (CopyingNotOfferedError, 403, "copying_not_offered"),
    (AllocationLimitError, 422, "allocation_above_limit"),
    (TotalAllocationLimitError, 422, "total_allocation_above_limit"),
    (FollowerCapReachedError, 409, "follower_cap_reached"),
    (ProviderLimitError, 409, "provider_limit_reached"),
    (MinimumAllocationError, 422, "allocation_below_minimum"),
    (SelfFollowError, 422, "cannot_follow_self"),
    (FreeBalanceTooLowError, 422, "insufficient_funds"),
    (WithdrawalRefusedError, 422, "insufficient_funds"),
    (UnknownOrderOfUserError, 404, "not_found"),
    (UnknownApiKeyError, 404, "not_found"),
    (AlertNotFoundError, 404, "not_found"),
    (ChannelNotFoundError, 404, "not_found"),
    (TooManyApiKeysError, 409, "too_many_keys"),
    (InsufficientFundsError, 422, "insufficient_funds"),
    (InvalidTransitionError, 409, "invalid_state"),
    (TriggerError, 409, "no_position"),
    (InvalidValueError, 422, "invalid_value"),
    (OrderNotCancellableError, 409, "not_cancellable"),
    (UnknownExchangeAccountError, 404, "not_found"),
    (WithdrawingKeyError, 422, "key_can_withdraw"),
    (ExchangeNotOfferedError, 422, "exchange_not_offered"),
    (ExchangeAccountError, 422, "refused"),
    (TemporaryVenueError, 503, "venue_unavailable"),
    (PermanentVenueError, 422, "venue_refused"),
    (DomainError, 422, "refused"),
    # The server's master key is missing or wrong: nothing the client can change.
    (SecretsError, 503, "secrets_unavailable"),
    # Several servers count in Redis (docs/deploy.md, "API servers"): unreachable, a
    # limited request is refused rather than let through uncounted.
    (RateLimitStoreError, 503, "rate_limits_unavailable"),
]


# Codes of the plain HTTP errors raised by the framework or our middleware (body_limit.py).
HTTP_CODES = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="What went wrong, for programs (docs/api.md, Errors).")
    message: str = Field(description="What went wrong and what to change, for people.")


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"code", "message"}}``."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


_WHEN = {
    401: "Not signed in: no token or API key, or an expired, signed-out or revoked one.",
    403: "Signed in, but not allowed: another user's area, a read-only API key on a change, "
    "or a cookie-signed change from another site.",
    404: "No such thing, or it is another user's.",
    409: "Conflicts with the current state.",
    413: "The request body is too large.",
    422: "The request does not fit the schema (`invalid_request`) or a rule refuses it.",
    429: "Too many requests: wait `Retry-After` seconds.",
    503: "The venue is unavailable for a moment (`venue_unavailable`): retry; or the "
    "server has no master key to seal or open a secret (`secrets_unavailable`), or "
    "cannot reach its shared rate-limit store (`rate_limits_unavailable`).",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`"}},
    429: {
        "Retry-After": {
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "description": "Seconds to wait before retrying.",
            "required": True,
        }
    },
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of an operation, for its OpenAPI description. A signed-in
    operation (401) may also answer 429: an API key is rate-limited on every request."""
    if 401 in statuses and 429 not in statuses:
        statuses = (*statuses, 429)
    return {
        status: {"model": ErrorBody, "description": _WHEN[status]}
        | ({"headers": _HEADERS[status]} if status in _HEADERS else {})
        for status in statuses
    }


def status_of(error: Exception) -> tuple[int, str]:
    for kind, status, code in _STATUS:
        if isinstance(error, kind):
            return status, code
    return 500, "internal"


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path: Starlette's own 405 names only the
    first route whose path matches, while a path may have one route per method."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in error.errors()
        )
        return JSONResponse(error_body("invalid_request", problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's: a body that is not JSON text (UTF-8)
            message = f"body: {error.detail}: send a JSON object in UTF-8"
            return JSONResponse(error_body("invalid_request", message), status_code=422)
        code = HTTP_CODES.get(error.status_code, "http_error")
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse(
            error_body(code, str(error.detail)), status_code=error.status_code, headers=headers
        )

    async def _ours(_: Request, error: Exception) -> JSONResponse:
        status, code = status_of(error)
        if status == 500:
            log.exception("unexpected error at the API edge", exc_info=error)
            message = "internal error; it has been logged"
        else:
            message = str(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(error, TooManyAttemptsError | TooManyRequestsError):
            headers = {"Retry-After": str(math.ceil(error.retry_after_s))}
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)

    # Our own errors become 4xx/503 answers; anything else is a bug: a logged 500.
    for kind in (DomainError, VenueError, ExchangeAccountError, SecretsError, Exception):
        app.add_exception_handler(kind, _ours)


def answer(status: int, **spec: Any) -> dict[int | str, dict[str, Any]]:
    """One more (non-error) answer of an operation, to join to ``errors(...)`` with ``|``."""
    return {status: spec}
