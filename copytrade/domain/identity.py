"""Who a user is: e-mail address, password policy and jurisdiction code rules (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from copytrade.domain.errors import DomainError, InvalidValueError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4 scale; 3 is "safely unguessable"
_STRENGTH_PREFIX = 72  # zxcvbn's own maximum: its matching is slow on longer texts
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_WORDS = re.compile(r"[^\W_]+")
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class IdentityError(DomainError):
    """Base class of sign-up, sign-in and permission errors."""


class AuthenticationError(IdentityError):
    """Wrong e-mail or password, or a missing, expired or revoked session token."""


class TooManyAttemptsError(AuthenticationError):
    """Too many failed sign-ins from this client (for this address, or any): wait."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            f"too many failed sign-ins from your network; try again in {int(retry_after_s)} s"
        )


class PermissionDeniedError(IdentityError):
    """The signed-in user may not do this (another user's data, or admin only)."""


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValueError(f"{raw!r} is not an e-mail address")
    return email


def check_password(password: str, personal: Sequence[str] = ()) -> str:
    """A password a guesser is unlikely to find: its length, then zxcvbn's estimate.

    zxcvbn (Dropbox's estimator, the Python port) knows the common-password lists,
    keyboard walks, sequences, repeats, dates and l33t spellings, and ``personal``
    words (the e-mail, the display name); a score below ``MIN_PASSWORD_SCORE`` (3:
    about 10^8 guesses or more) is refused with its advice. It reads the first
    ``_STRENGTH_PREFIX`` characters: a longer password is judged by that much of it.
    """
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidValueError(
            f"a password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    if password.strip() != password or len(set(password)) < 4:
        raise InvalidValueError(
            "a password must not start or end with spaces and needs at least 4 different characters"
        )
    if password.isdigit():
        raise InvalidValueError("a password of digits only is guessed quickly: add words")
    # Imported here: its word lists take a twentieth of a second, which commands that
    # never check a password need not pay.
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]

    # The e-mail and name whole and word by word ("wendy.bloggs@…": wendy, bloggs).
    words = [w for w in personal if w] + [
        part for w in personal for part in _WORDS.findall(w.lower()) if len(part) >= 3
    ]
    found = zxcvbn(password[:_STRENGTH_PREFIX], user_inputs=words)
    if found["score"] < MIN_PASSWORD_SCORE:
        feedback = found["feedback"]
        advice = " ".join([feedback["warning"], *feedback["suggestions"]]).strip()
        raise InvalidValueError(
            f"this password is too easy to guess: {advice or 'add a few unrelated words.'}"
        )
    return password


def normalise_jurisdiction(raw: str) -> str:
    code = raw.strip().upper()
    if not _JURISDICTION.match(code):
        raise InvalidValueError(
            f"{raw!r} is not a jurisdiction code: use ISO 3166 (e.g. DE, US, US-NY)"
        )
    return code
