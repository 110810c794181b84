"""Who a user is: e-mail address, password policy and jurisdiction code rules (pure)."""

from __future__ import annotations

import re

from copytrade.domain.errors import DomainError, InvalidValueError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class IdentityError(DomainError):
    """Base class of sign-up, sign-in and permission errors."""


class AuthenticationError(IdentityError):
    """Wrong e-mail or password, or a missing, expired or revoked session token."""


class TooManyAttemptsError(AuthenticationError):
    """Too many failed sign-ins for this address: wait before trying again."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            f"too many failed sign-ins for this address; try again in {int(retry_after_s)} s"
        )


class EmailTakenError(IdentityError):
    """Someone has already signed up with that e-mail address."""


class PermissionDeniedError(IdentityError):
    """The signed-in user may not do this (another user's data, or admin only)."""


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValueError(f"{raw!r} is not an e-mail address")
    return email


def check_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidValueError(
            f"a password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    if password.strip() != password or len(set(password)) < 4:
        raise InvalidValueError(
            "a password must not start or end with spaces and needs at least 4 different characters"
        )
    return password


def normalise_jurisdiction(raw: str) -> str:
    code = raw.strip().upper()
    if not _JURISDICTION.match(code):
        raise InvalidValueError(
            f"{raw!r} is not a jurisdiction code: use ISO 3166 (e.g. DE, US, US-NY)"
        )
    return code
