"""Copying one of my relationships on my own exchange account, and paying what a live
relationship owes (docs/api.md, "Live relationships"; docs/venues.md, "Followers on
their own accounts"; docs/settlement.md, "Live relationships").

The use cases are the CLI's ``venues live`` and ``venues pay-fees`` (``LiveFollowing``,
``LiveFees``, through ``MyLiveRelationships`` as the web page): the same refusals,
as 422 ``refused``. Another's relationship is reported as unknown (404). Marking
live routes the book to its exchange at once on this server.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from copytrade.adapters.jsonable import decimal_text
from copytrade.api.deps import Me, SessionUser
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Money, Out

router = APIRouter(prefix=f"{API_V1}/relationships", tags=["relationships"],
                   responses=errors(401, 403, 404, 422))


class LiveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        description="My linked exchange account (trade-only keys): my user id (the "
        "default) or my id and a name (`<id>:<name>`).",
    )


class LiveOut(Out):
    relationship: str
    account: str
    returned: Money = Field(
        description="The paper allocation handed back to my platform balance (USDT)."
    )


class FeesPaidOut(Out):
    relationship: str
    commissions: Money
    profit_share: Money
    resumed: bool = Field(description="Copying again: nothing is owed any more.")


@router.post("/{rel_id}/live", response_model=LiveOut)
def mark_live(rel_id: str, me: Me, _: SessionUser, body: LiveBody | None = None) -> dict[str, Any]:
    """Copy this relationship on my linked exchange account from now on (it must be
    flat and not stopped); marking the same account again changes nothing."""
    account = body.account if body else None
    live = me.live
    marked = me.act(lambda: live.mark(me.id, rel_id, account))
    return {
        "relationship": str(marked.relationship),
        "account": marked.account,
        "returned": decimal_text(marked.returned),
    }


@router.post("/{rel_id}/pay-fees", response_model=FeesPaidOut)
def pay_fees(rel_id: str, me: Me) -> dict[str, Any]:
    """Charge what this live relationship owes to my platform balance, and copy again
    when nothing is owed any more."""
    live = me.live
    paid = me.act(lambda: live.pay(me.id, rel_id))
    return paid.to_json()
