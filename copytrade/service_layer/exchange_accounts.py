"""Linking exchange accounts: add (checked), check, list, remove; rotate the master key.

A linked account's keys are checked before they are stored: the exchange must answer
with them (markets and balances), and keys that can withdraw are refused where the
exchange reports it, because copytrade never needs to move money out of an account
(docs/venues.md, "Linking accounts").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.channels import ChannelRepository
from copytrade.adapters.db.repositories.linked_accounts import (
    LinkedAccount,
    LinkedAccountRepository,
)
from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.secrets import SecretBox
from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.quirks import quirks_for
from copytrade.domain.values import ZERO


class ExchangeAccountError(Exception):
    """A linked exchange account cannot be added or used as asked (the message says why)."""


class WithdrawingKeyError(ExchangeAccountError):
    """The exchange reports that the key can withdraw: refused, nothing stored."""


class UnknownExchangeAccountError(ExchangeAccountError, LookupError):
    """No such linked account (or, asked for a user, not one of that user's)."""


class ExchangeNotOfferedError(ExchangeAccountError):
    """The server's operator does not offer linking accounts of this exchange."""


@dataclass(frozen=True, slots=True)
class ExchangeSite:
    """Where a server reaches one exchange for the accounts its users link
    (``copytrade serve``'s live configuration, docs/venues.md "Serving live venues"):
    the exchange's own API, or every entry under ``api_base`` (a proxy, an emulator)."""

    exchange: str
    api_base: str | None = None


def linked_view(linked: LinkedAccount) -> dict[str, object]:
    """A linked account as shown by the CLI and the API: never a key."""
    return {
        "account": linked.account,
        "exchange": linked.exchange,
        "sandbox": linked.sandbox,
        "api_base": linked.api_base,
        "linked_at": linked.created_at.isoformat(),
    }


class CheckedVenue(Protocol):
    """What a check asks of a live venue (``CcxtVenue``)."""

    def instruments(self) -> Sequence[object]: ...

    def check(self, account: str) -> Mapping[str, Decimal]: ...

    def can_withdraw(self, account: str) -> bool | None: ...


# (the linked account, its credentials) → a venue trading that one account.
VenueFactory = Callable[[LinkedAccount, ApiCredentials], CheckedVenue]


@dataclass(frozen=True, slots=True)
class CheckReport:
    account: str
    exchange: str
    markets: int
    balances: Mapping[str, Decimal]
    # True/False as the exchange reports the key's withdrawal permission; None: unknown.
    can_withdraw: bool | None

    @property
    def verdict(self) -> str:
        if self.can_withdraw:
            return "refused: the key can withdraw"
        if self.can_withdraw is None:
            return "reachable; could not verify that the key cannot withdraw"
        return "ok: the key cannot withdraw"

    def to_json(self) -> dict[str, object]:
        return {
            "account": self.account,
            "exchange": self.exchange,
            "markets": self.markets,
            "balances": {c: decimal_text(v) for c, v in sorted(self.balances.items())},
            "can_withdraw": self.can_withdraw,
            "ok": self.can_withdraw is not True,
            "verdict": self.verdict,
        }


WITHDRAW_REFUSED = (
    "the exchange reports that this API key can withdraw funds: copytrade never needs "
    "that; make a key without withdrawal permission and link it again"
)


class ExchangeAccounts:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        box: Callable[[], SecretBox],
        venue_for: VenueFactory,
        now: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._venue_for = venue_for
        self._now = now

    def add(
        self,
        account: str,
        exchange: str,
        credentials: ApiCredentials,
        *,
        sandbox: bool = False,
        api_base: str | None = None,
        verify: bool = True,
    ) -> CheckReport | None:
        """Check the keys (unless ``verify`` is off), then store them sealed; keys that
        can withdraw are refused with nothing stored."""
        if not account.strip():
            raise ExchangeAccountError("the account (trading book id) must not be empty")
        quirks = quirks_for(exchange)
        if api_base is not None:
            quirks.api_urls(api_base)  # refuses an exchange without a path table
        box = self._box()  # no master key: refused before the exchange is asked
        linked = LinkedAccount(account, exchange, self._now(), sandbox, api_base)
        report = self._check(linked, credentials) if verify else None
        if report is not None and report.can_withdraw:
            raise WithdrawingKeyError(WITHDRAW_REFUSED)
        with self._sessions() as session, session.begin():
            LinkedAccountRepository(session, box).link(
                account, exchange, credentials, linked.created_at, sandbox=sandbox,
                api_base=api_base,
            )
        return report

    def check(self, account: str) -> CheckReport:
        """Reach the exchange with the stored keys (the venue's errors are raised)."""
        return self._check(*self.opened(account))

    # A signed-in user's own accounts (the API and the web pages): a user's trading book
    # is its user id (docs/api.md), so the account a user links is the one of that id.

    def link_own(
        self,
        owner: str,
        credentials: ApiCredentials,
        site: ExchangeSite | None,
        *,
        exchange: str,
        sandbox: bool = False,
    ) -> CheckReport:
        """Link ``owner``'s own book to ``exchange`` as the server reaches it (``site``,
        None: not offered), always checked first."""
        if site is None:
            raise ExchangeNotOfferedError(
                f"this server does not offer linking {exchange} accounts; ask its operator "
                "to configure the exchange (docs/venues.md, \"Serving live venues\")"
            )
        report = self.add(
            owner, site.exchange, credentials, sandbox=sandbox, api_base=site.api_base
        )
        assert report is not None  # verified
        return report

    def of_owner(self, owner: str) -> list[LinkedAccount]:
        """The accounts ``owner`` has linked (its own book's)."""
        return [a for a in self.all() if a.account == owner]

    def check_own(self, owner: str, account: str) -> CheckReport:
        self._own(owner, account)
        return self.check(account)

    def remove_own(self, owner: str, account: str) -> None:
        self._own(owner, account)
        self.remove(account)

    def _own(self, owner: str, account: str) -> None:
        if account != owner:  # another user's is answered as missing, never shown
            raise UnknownExchangeAccountError(f"you have no linked exchange account {account!r}")

    def opened(self, account: str) -> tuple[LinkedAccount, ApiCredentials]:
        """The linked account and its opened credentials, or ExchangeAccountError."""
        with self._sessions() as session:
            repo = LinkedAccountRepository(session, self._box())
            linked = repo.get(account)
            opened = repo.credentials(account)
        if linked is None or opened is None:
            raise UnknownExchangeAccountError(f"no linked exchange account {account!r}")
        return linked, opened[1]

    def _check(self, linked: LinkedAccount, credentials: ApiCredentials) -> CheckReport:
        venue = self._venue_for(linked, credentials)
        markets = len(venue.instruments())
        balances = {c: v for c, v in venue.check(linked.account).items() if v > ZERO}
        return CheckReport(
            linked.account, linked.exchange, markets, balances,
            venue.can_withdraw(linked.account),
        )

    def all(self) -> list[LinkedAccount]:
        with self._sessions() as session:
            return LinkedAccountRepository(session).all()

    def remove(self, account: str) -> None:
        with self._sessions() as session, session.begin():
            if not LinkedAccountRepository(session).unlink(account):
                raise UnknownExchangeAccountError(f"no linked exchange account {account!r}")


def rotate_master_key(
    sessions: sessionmaker[Session], old: SecretBox, new: SecretBox
) -> tuple[int, int]:
    """Re-encrypt every sealed secret from ``old`` to ``new`` in one transaction: all
    rows or none (a row that does not open under ``old`` changes nothing). Returns how
    many linked accounts and alert channels (docs/alerts.md, "Channels")."""
    with sessions() as session, session.begin():
        accounts = LinkedAccountRepository(session, old).reseal_all(new)
        return accounts, ChannelRepository(session).reseal_all(old, new)
