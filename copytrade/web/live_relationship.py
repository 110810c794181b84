"""Copying on my exchange account, from a copy's page (/dashboard/relationships/{id},
section ``#rel-live``): mark the copy live on my linked exchange account, and pay what
a live copy owes from my platform balance (docs/web.md, "Copying on my exchange
account").

The use cases are the API's (``MyLiveRelationships``, as
``POST /api/v1/relationships/{id}/live|pay-fees``), under the engine lock and off the
event loop (marking live reaches the exchange to route the book). Marking live cannot
be undone, so it needs its box ticked, checked again here; a refusal is the copy's page
again with the message (422; 503 when the exchange or the master key is unavailable),
and changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from copytrade.adapters.secrets import SecretsError
from copytrade.adapters.venues.errors import VenueError
from copytrade.api.deps import Runtime
from copytrade.service_layer.exchange_accounts import ExchangeAccountError
from copytrade.web import forms
from copytrade.web.relationship import CONFIRM, posted, then_show

router = APIRouter(include_in_schema=False)
REFUSALS = (ExchangeAccountError, SecretsError, VenueError)
SECTION = "#rel-live"


@router.post("/dashboard/relationships/{rel_id}/live", response_class=HTMLResponse)
async def mark_live(request: Request, runtime: Runtime, rel_id: str) -> Response:
    """Copy this relationship on my linked exchange account from now on, once the box
    is ticked (docs/venues.md, "Followers on their own accounts")."""
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    live = me.live

    def change() -> None:
        if forms.text(data, CONFIRM, 8) != "yes":
            raise forms.FormError(
                "tick the box to confirm that this copy trades on your exchange account "
                "from now on"
            )
        me.act(lambda: live.mark(me.id, rel_id))

    done = f"/dashboard/relationships/{rel_id}{SECTION}"
    return await run_in_threadpool(
        then_show, request, me, rel_id, change, done, refusals=REFUSALS
    )


@router.post("/dashboard/relationships/{rel_id}/pay-fees", response_class=HTMLResponse)
async def pay_fees(request: Request, runtime: Runtime, rel_id: str) -> Response:
    """Charge what this live copy owes to my platform balance; copying resumes when
    nothing is owed any more (docs/settlement.md, "Live relationships")."""
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    live = me.live

    def change() -> None:
        me.act(lambda: live.pay(me.id, rel_id))

    done = f"/dashboard/relationships/{rel_id}{SECTION}"
    return await run_in_threadpool(
        then_show, request, me, rel_id, change, done, refusals=REFUSALS
    )
