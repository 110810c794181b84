"""Request dependencies: the server runtime and the signed-in user.

A client signs in once and sends the token as ``Authorization: Bearer …``; the
web UI keeps the same token in an HttpOnly cookie. Either way it is checked
against the stored sessions, so a sign-out takes effect on every server. A change
(any method but GET, HEAD, OPTIONS) signed in by the cookie must also come from one
of our pages (``origin.same_origin``): the CSRF rule, whatever SameSite a browser keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from copytrade.adapters.sign_in_throttle import client_key
from copytrade.api.origin import SAFE_METHODS, same_origin
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.identity import AuthenticationError, PermissionDeniedError
from copytrade.service_layer.api_keys import KeyCaller, is_api_key
from copytrade.service_layer.following.service import FollowingService
from copytrade.service_layer.following.views import FollowingReads
from copytrade.service_layer.identity import User
from copytrade.service_layer.my_live import MyLiveRelationships

SESSION_COOKIE = "copytrade_session"
T = TypeVar("T")


def runtime_of(request: Request) -> ServerRuntime:
    runtime: ServerRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServerRuntime, Depends(runtime_of)]


def token_of(request: Request) -> str | None:
    """The bearer token, else the session cookie's (refused on a cross-site change)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and request.method not in SAFE_METHODS and not same_origin(request):
        raise PermissionDeniedError(
            "a change signed in by the session cookie must come from a copytrade page "
            "(its Origin or Referer names this server); API clients send "
            "'Authorization: Bearer <token>'"
        )
    return cookie


def client_of(request: Request) -> str:
    """Who is asking, for throttling: the peer's network (``sign_in_throttle.client_key``)."""
    return client_key(request.client.host if request.client else None)


# Declares the scheme in /openapi.json (the Authorize button of /docs); token_of reads it.
bearer = HTTPBearer(
    auto_error=False,
    description="A session token (POST /api/v1/auth/login) or an API key (docs/api.md).",
)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def user_of_token(runtime: ServerRuntime, token: str) -> User | KeyCaller:
    """The user of a session token, or the caller of an API key (its rate counted)."""
    if is_api_key(token):
        return runtime.api_keys.caller(token)
    return runtime.identity.user_of(token)


def current_user(request: Request, runtime: Runtime, _: Bearer) -> User:
    """The signed-in user; a read-only API key may only read (403 on any change)."""
    token = token_of(request)
    if not token:
        raise AuthenticationError(
            "sign in first: send 'Authorization: Bearer <session token or API key>'"
        )
    found = user_of_token(runtime, token)
    if not isinstance(found, KeyCaller):
        return found
    request.state.api_key = found
    if found.scope == "read" and request.method not in SAFE_METHODS:
        raise PermissionDeniedError(
            f"API key {found.key_id} is read-only: make a key with scope 'trade' to change things"
        )
    return found.user


CurrentUser = Annotated[User, Depends(current_user)]


def current_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise PermissionDeniedError("the admin area is for platform administrators")
    return user


Admin = Annotated[User, Depends(current_admin)]


def session_user(request: Request, user: CurrentUser) -> User:
    """A user signed in with a session: API keys are made and revoked by a person."""
    if getattr(request.state, "api_key", None) is not None:
        raise PermissionDeniedError(
            "API keys are managed by signing in (a session token), not with an API key"
        )
    return user


SessionUser = Annotated[User, Depends(session_user)]


def optional_user(request: Request, runtime: Runtime) -> User | None:
    try:
        token = token_of(request)
        return runtime.identity.user_of(token) if token else None
    except (AuthenticationError, PermissionDeniedError):
        return None


MaybeUser = Annotated[User | None, Depends(optional_user)]


@dataclass(frozen=True, slots=True)
class FollowerContext:
    """The signed-in user with its commands and views: what every follower route needs."""

    user: User
    runtime: ServerRuntime
    commands: FollowingService
    views: FollowingReads

    @property
    def id(self) -> str:
        return self.user.id

    def act(self, change: Callable[[], T]) -> T:
        """A state change, under the engine lock (``ServerRuntime.act``)."""
        return self.runtime.act(change)

    @property
    def live(self) -> MyLiveRelationships:
        """My relationships copied on my exchange account (docs/venues.md)."""
        runtime = self.runtime
        platform = runtime.platform
        return MyLiveRelationships(
            platform.uow,
            lambda: runtime.container.live_following(platform),
            lambda: runtime.container.live_fees(platform),
        )


def follower_context(user: CurrentUser, runtime: Runtime) -> FollowerContext:
    platform = runtime.platform
    views = FollowingReads(platform.uow, platform.engine.prices.snapshot)
    return FollowerContext(user, runtime, FollowingService.of(platform), views)


Me = Annotated[FollowerContext, Depends(follower_context)]
