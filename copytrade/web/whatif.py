"""The provider page's "Simulate copying" panel: the form posts here, the page comes back
with what would have happened (docs/whatif.md, docs/web.md). A signed-in user's only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from copytrade.api.deps import Runtime
from copytrade.api.encode import plain
from copytrade.domain.errors import DomainError
from copytrade.web import forms
from copytrade.web.discovery import provider_page
from copytrade.web.following import FIELDS as FIELDS_OF_FOLLOW
from copytrade.web.following import settings_of_form
from copytrade.web.pages import poster
from copytrade.whatif.request import WhatIfRequest
from copytrade.whatif.service import WhatIf

router = APIRouter(include_in_schema=False)

# The panel's fields, shown again as typed: the follow form's (one list of copy settings,
# copytrade/web/following.py) with its start; a what-if refuses copy_open_positions.
FIELDS = ("start", *FIELDS_OF_FOLLOW, "close_on_stop")


def _start(data: Mapping[str, object]) -> datetime:
    raw = forms.text(data, "start", 10)
    try:
        return datetime.combine(date.fromisoformat(raw), datetime.min.time(), UTC)
    except ValueError:
        raise forms.FormError("start: a date as YYYY-MM-DD, e.g. 2026-01-05") from None


@router.post("/providers/{provider_id}/whatif", response_class=HTMLResponse)
async def simulate_copying(request: Request, runtime: Runtime, provider_id: str) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    shown = forms.kept(data, *FIELDS, max_length=200)
    try:
        asked = WhatIfRequest(
            provider_id, _start(data), forms.amount(data, "allocation"), settings_of_form(data)
        )
        answer = await run_in_threadpool(WhatIf.on(runtime.container).run, asked)
    except (forms.FormError, DomainError) as error:
        return provider_page(
            request, runtime, provider_id, forms.error_status(error),
            whatif_error=str(error), whatif_form=shown,
        )  # fmt: skip
    return provider_page(request, runtime, provider_id, whatif=plain(answer), whatif_form=shown)
