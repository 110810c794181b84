"""Sign-up, sign-in, sign-out and who a session token belongs to.

A token is 32 random bytes shown to the client once; the database keeps only its
SHA-256, so API servers stay stateless and a sign-out revokes it everywhere.

Neither answer tells whether an address has an account: a sign-in with an unknown
address is verified against a decoy hash (same answer, same time), and a sign-up
with a taken address does the same work and returns as a new one does, while the
owner is told through a notice on its event stream (``SIGN_UP_ATTEMPT``). Failed
sign-ins are throttled per client and per (address, client) (sign_in_throttle.py),
well-formed sign-ups per client.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from copytrade.adapters.db.repositories.identity import StoredUser
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.sign_in_throttle import SignInThrottle
from copytrade.adapters.throttle import LimiterFactory, TooManyRequestsError, memory_limiters
from copytrade.domain.identity import (
    AuthenticationError,
    TooManyAttemptsError,
    check_password,
    normalise_email,
    normalise_jurisdiction,
)

SIGN_UP_ATTEMPT = "account.sign_up_attempt"  # an outbox notice to an address's owner
# What a sign-up answers, whether the address was new or had an account already.
SIGNED_UP = (
    "Signed up: sign in with this e-mail and password. If the address had an account "
    "already, that account is unchanged and its owner has been told."
)


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    display_name: str
    jurisdiction: str
    is_admin: bool
    is_provider: bool


@dataclass(frozen=True, slots=True)
class SignIn:
    token: str
    expires_at: datetime
    user: User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IdentityService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        passwords: PasswordHasher,
        now: Callable[[], datetime],
        session_ttl: timedelta,
        sign_ups: tuple[int, timedelta] = (10, timedelta(hours=1)),
        limiters: LimiterFactory | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._passwords = passwords
        self._now = now
        self._ttl = session_ttl
        make = limiters or memory_limiters(now)
        self._failures = SignInThrottle(now, limiters=make)
        self._sign_ups = make("sign-ups", *sign_ups)
        # Verifying against a real hash when the e-mail is unknown keeps both answers
        # equally slow, so timing does not tell which addresses have accounts.
        self._decoy_hash = passwords.hash(secrets.token_hex(16))

    def sign_up(
        self, email: str, password: str, display_name: str, jurisdiction: str, client: str = ""
    ) -> User | None:
        """The new user; None when the address has an account already, which the caller
        must not tell (its owner gets a ``SIGN_UP_ATTEMPT`` notice instead)."""
        address = normalise_email(email)
        name = display_name.strip() or address.split("@")[0]
        check_password(password, (address, address.split("@")[0], name))
        code = normalise_jurisdiction(jurisdiction)
        wait = self._sign_ups.take(client)  # well-formed ones only: the others cost nothing
        if wait:
            raise TooManyRequestsError("sign-ups from this network", wait)
        password_hash = self._passwords.hash(password)
        now = self._now()
        account_id = f"u-{uuid.uuid4().hex[:16]}"
        with self._uow_factory() as uow:
            owner = uow.users.by_email(address)
            if owner is not None:
                notice = {"to": owner.id, "email": address}
                uow.outbox.add(SIGN_UP_ATTEMPT, f"sign-up:{account_id}", notice, now)
                uow.commit()
                return None
            uow.accounts.add(account_id, name[:200], now)
            stored = StoredUser(account_id, address, password_hash, code, False, now)
            uow.users.add(stored)
            uow.commit()
        return User(account_id, address, name[:200], code, False, False)

    def sign_in(self, email: str, password: str, client: str = "") -> SignIn:
        try:
            address = normalise_email(email)
        except ValueError:
            address = ""  # no account has it: refused below, counted nowhere
        wait = self._failures.retry_after(address, client)
        if wait:
            raise TooManyAttemptsError(wait)
        with self._uow_factory() as uow:
            stored = uow.users.by_email(address) if address else None
        hashed = self._decoy_hash if stored is None else stored.password_hash
        if not self._passwords.verify(hashed, password) or stored is None:
            if address:
                self._failures.failed(address, client)
            raise AuthenticationError("wrong e-mail or password")
        self._failures.succeeded(address, client)
        token = secrets.token_urlsafe(32)
        now = self._now()
        expires = now + self._ttl
        with self._uow_factory() as uow:
            uow.users.add_session(token_hash(token), stored.id, now, expires)
            user = user_of_stored(uow, stored)
            uow.commit()
        return SignIn(token, expires, user)

    def sign_out(self, token: str) -> None:
        with self._uow_factory() as uow:
            uow.users.revoke_session(token_hash(token), self._now())
            uow.commit()

    def user_of(self, token: str) -> User:
        """The user a live session token belongs to."""
        with self._uow_factory() as uow:
            stored = uow.users.user_of_session(token_hash(token), self._now())
            if stored is None:
                raise AuthenticationError(
                    "the session token is missing, expired or signed out: sign in again"
                )
            return user_of_stored(uow, stored)

    def make_admin(self, email: str) -> User:
        """Grant the admin area to a user (the ``copytrade users make-admin`` command)."""
        with self._uow_factory() as uow:
            stored = uow.users.by_email(normalise_email(email))
            if stored is None:
                raise AuthenticationError(f"no user signed up with {email}")
            uow.users.set_admin(stored.id, True)
            user = user_of_stored(uow, stored)
            uow.commit()
        return User(
            user.id, user.email, user.display_name, user.jurisdiction, True, user.is_provider
        )


def user_of_stored(uow: SqlUnitOfWork, stored: StoredUser) -> User:
    return User(
        stored.id,
        stored.email,
        uow.accounts.display_name(stored.id),
        stored.jurisdiction,
        stored.is_admin,
        uow.accounts.is_provider(stored.id),
    )
