"""Errors at the HTTP edge: every one a JSON body ``{"error": {"code", "message"}}``.

The mapping from our error classes to status codes lives here and only here;
the layers below raise their own errors and know nothing of HTTP.
"""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from copytrade.adapters.db.repositories.accounts import DuplicateAccountError, UnknownAccountError
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.throttle import TooManyRequestsError
from copytrade.adapters.venues.errors import (
    OrderNotCancellableError,
    PermanentVenueError,
    TemporaryVenueError,
    VenueError,
)
from copytrade.domain.errors import DomainError, InvalidTransitionError, InvalidValueError
from copytrade.domain.identity import (
    AuthenticationError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from copytrade.domain.ledger.errors import IdempotencyConflictError, InsufficientFundsError
from copytrade.domain.profit_share.hwm import WithdrawalRefusedError
from copytrade.service_layer.accounts import FeeModelLockedError
from copytrade.service_layer.following.service import (
    AllocationLimitError,
    CopyingNotOfferedError,
    DisclosureOutdatedError,
    FollowerCapReachedError,
    FreeBalanceTooLowError,
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
    (SelfFollowError, 422, "cannot_follow_self"),
    (FreeBalanceTooLowError, 422, "insufficient_funds"),
    (WithdrawalRefusedError, 422, "insufficient_funds"),
    (UnknownOrderOfUserError, 404, "not_found"),
    (InsufficientFundsError, 422, "insufficient_funds"),
    (InvalidTransitionError, 409, "invalid_state"),
    (InvalidValueError, 422, "invalid_value"),
    (OrderNotCancellableError, 409, "not_cancellable"),
    (TemporaryVenueError, 503, "venue_unavailable"),
    (PermanentVenueError, 422, "venue_refused"),
    (DomainError, 422, "refused"),
]


# Codes of the plain HTTP errors raised by the framework or our middleware (body_limit.py).
HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "body_too_large"}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def status_of(error: Exception) -> tuple[int, str]:
    for kind, status, code in _STATUS:
        if isinstance(error, kind):
            return status, code
    return 500, "internal"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in error.errors()
        )
        return JSONResponse(error_body("invalid_request", problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(error.detail)),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
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
    for kind in (DomainError, VenueError, Exception):
        app.add_exception_handler(kind, _ours)
