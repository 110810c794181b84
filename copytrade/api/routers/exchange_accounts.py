"""The signed-in user's linked exchange accounts: link (checked), list, check, unlink
(docs/api.md, "Exchange accounts"; docs/venues.md, "Linking accounts").

The use case is the CLI's (``ExchangeAccounts``): keys are checked with the exchange
before they are stored sealed, keys that can withdraw are refused, and no answer, log
line or error message ever carries a key. Linking and unlinking need a session (as
API keys do): a leaked API key cannot re-point the account copytrade trades on.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.api.deps import CurrentUser, Runtime, SessionUser
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Money, Out, Timestamp
from copytrade.service_layer.exchange_accounts import CheckReport, linked_view

router = APIRouter(
    prefix=f"{API_V1}/exchange-accounts", tags=["exchange accounts"], responses=errors(401, 403)
)

ACCOUNT = Path(
    pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
    description="The linked account: the trading book it serves (your user id).",
    examples=["u-0123456789abcdef"],
)


class LinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exchange: str = Field(
        pattern=r"^[a-z0-9]{2,32}$", examples=["binance"],
        description="A ccxt exchange id this server offers (`offered_exchanges` of the list).",
    )
    api_key: SecretStr = Field(min_length=1, max_length=512, description="Never shown again.")
    secret: SecretStr = Field(min_length=1, max_length=512, description="Never shown again.")
    password: SecretStr | None = Field(
        default=None, min_length=1, max_length=512,
        description="The API passphrase, for exchanges that have one (OKX).",
    )
    sandbox: bool = Field(default=False, description="The exchange's testnet.")


class LinkedOut(Out):
    account: str
    exchange: str
    sandbox: bool
    api_base: str | None
    linked_at: Timestamp


class CheckOut(Out):
    account: str
    exchange: str
    markets: int = Field(description="How many markets the exchange lists.")
    balances: dict[str, Money] = Field(description="Free balances above zero.")
    can_withdraw: bool | None = Field(
        description="Whether the key can withdraw, as the exchange reports it; null: unknown."
    )
    ok: bool = Field(description="False when the key can withdraw.")
    verdict: str


class LinkedAccountsOut(Out):
    accounts: list[LinkedOut]
    offered_exchanges: list[str] = Field(description="The exchanges this server links.")


class LinkOut(Out):
    account: LinkedOut
    check: CheckOut


def check_view(report: CheckReport) -> dict[str, Any]:
    return report.to_json()


@router.get("", response_model=LinkedAccountsOut)
def my_exchange_accounts(user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    """My linked exchange accounts (never their keys), and the exchanges offered."""
    linked = runtime.exchange_accounts.of_owner(user.id)
    return {
        "accounts": [linked_view(a) for a in linked],
        "offered_exchanges": sorted(runtime.exchange_sites),
    }


@router.post(
    "", status_code=201, response_model=LinkOut, responses=errors(404, 413, 422, 503)
)
def link_exchange_account(body: LinkBody, user: SessionUser, runtime: Runtime) -> dict[str, Any]:
    """Link my trading book to an exchange account: the keys are checked with the
    exchange, then stored sealed (replacing a previous link). Keys that can withdraw are
    refused (422 `key_can_withdraw`), nothing stored."""
    credentials = ApiCredentials(
        body.api_key.get_secret_value(),
        body.secret.get_secret_value(),
        body.password.get_secret_value() if body.password else None,
    )
    accounts = runtime.exchange_accounts
    report = accounts.link_own(
        user.id, credentials, runtime.exchange_sites.get(body.exchange),
        exchange=body.exchange, sandbox=body.sandbox,
    )
    (linked,) = accounts.of_owner(user.id)
    return {"account": linked_view(linked), "check": check_view(report)}


@router.get("/{account}/check", response_model=CheckOut, responses=errors(404, 422, 503))
def check_exchange_account(
    user: CurrentUser, runtime: Runtime, account: str = ACCOUNT
) -> dict[str, Any]:
    """Reach the exchange with the stored keys: markets, free balances, and whether the
    key can withdraw (`ok` false if it can)."""
    return check_view(runtime.exchange_accounts.check_own(user.id, account))


@router.delete(
    "/{account}", status_code=204, response_class=Response, responses=errors(404, 422)
)
def unlink_exchange_account(
    user: SessionUser, runtime: Runtime, account: str = ACCOUNT
) -> Response:
    """Unlink it: its sealed keys and trade cursors are deleted."""
    runtime.exchange_accounts.remove_own(user.id, account)
    return Response(status_code=204)
