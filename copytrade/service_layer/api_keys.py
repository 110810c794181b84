"""API keys for programs: made and revoked by their user, shown once, stored hashed,
read-only or trading, and rate-limited per key (docs/api.md, API keys).

A key is ``ctk_`` and 32 random bytes (URL-safe base64), so a plain SHA-256 of it is
as good as a slow password hash: nobody can guess 2^256 inputs, and a fast hash
keeps each request's check cheap. The prefix tells a key from a session token
without a database read, and lets secret scanners recognise a leaked one.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from copytrade.adapters.db.repositories.api_keys import StoredApiKey
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.throttle import TooManyRequestsError, WindowLimiter
from copytrade.domain.errors import DomainError
from copytrade.domain.identity import AuthenticationError
from copytrade.service_layer.identity import User, token_hash, user_of_stored

KEY_PREFIX = "ctk_"
Scope = Literal["read", "trade"]
MAX_KEYS = 20  # live keys per user: enough for a few programs, bounded


class UnknownApiKeyError(DomainError, LookupError):
    """The user has no API key with that id."""


class TooManyApiKeysError(DomainError):
    """The user has as many live keys as allowed: revoke one first."""


@dataclass(frozen=True, slots=True)
class NewApiKey:
    key: str  # shown to its user once, never stored
    stored: StoredApiKey


@dataclass(frozen=True, slots=True)
class KeyCaller:
    """Who a request signed with an API key comes from, and what the key may do."""

    user: User
    key_id: str
    scope: Scope


def is_api_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


class ApiKeys:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        now: Callable[[], datetime],
        requests: WindowLimiter,
    ) -> None:
        self._uow_factory = uow_factory
        self._now = now
        self._requests = requests

    def create(self, user_id: str, name: str, scope: Scope) -> NewApiKey:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        stored = StoredApiKey(f"k-{uuid.uuid4().hex[:16]}", user_id, name, scope, self._now(), None)
        with self._uow_factory() as uow:
            live = [k for k in uow.api_keys.of_user(user_id) if k.revoked_at is None]
            if len(live) >= MAX_KEYS:
                raise TooManyApiKeysError(
                    f"you have {MAX_KEYS} API keys already: revoke one you no longer use"
                )
            uow.api_keys.add(stored, token_hash(key))
            uow.commit()
        return NewApiKey(key, stored)

    def of_user(self, user_id: str) -> list[StoredApiKey]:
        with self._uow_factory() as uow:
            return uow.api_keys.of_user(user_id)

    def revoke(self, user_id: str, key_id: str) -> None:
        """Revoke a key at once, on every server; revoking a revoked key changes nothing."""
        with self._uow_factory() as uow:
            if not uow.api_keys.revoke(user_id, key_id, self._now()):
                raise UnknownApiKeyError(f"you have no API key {key_id!r}")
            uow.commit()

    def caller(self, key: str) -> KeyCaller:
        """The owner of a live key, once the key's request window allows one more."""
        with self._uow_factory() as uow:
            found = uow.api_keys.live(token_hash(key))
            if found is None:
                raise AuthenticationError("the API key is unknown or revoked: create a new one")
            stored, owner = found
            user = user_of_stored(uow, owner)
        wait = self._requests.take(stored.id)
        if wait:
            raise TooManyRequestsError("requests with this API key", wait)
        scope: Scope = "trade" if stored.scope == "trade" else "read"
        return KeyCaller(user, stored.id, scope)
