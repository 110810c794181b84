"""An exchange account's API credentials, kept out of every repr and message."""

from __future__ import annotations

from dataclasses import dataclass, field

from copytrade.domain.errors import InvalidValueError


@dataclass(frozen=True, slots=True)
class ApiCredentials:
    """API key, secret and (OKX and some others) passphrase of one exchange account.

    ``repr`` shows none of them: a credential printed in a log or a traceback is a
    credential leaked (docs/venues.md, "Keys at rest").
    """

    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.api_key.strip() or not self.secret.strip():
            raise InvalidValueError("an exchange account needs a non-empty API key and secret")

    def redact(self, text: str) -> str:
        """``text`` with every credential replaced by ``***``."""
        for value in (self.api_key, self.secret, self.password):
            if value:
                text = text.replace(value, "***")
        return text
