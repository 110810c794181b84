"""A provider's block-execution setting on its terms page (POST
/provider/block-execution), and what the provider page says of it (docs/engine.md
"Block execution"). The setting's rules are the service's
(``service_layer/block_execution.py``); the form only reads the choice."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import Runtime
from copytrade.domain.errors import DomainError
from copytrade.service_layer.block_execution import BlockSetting, BlockSettings
from copytrade.web import forms
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)

CHOICES: dict[str, bool | None] = {"default": None, "on": True, "off": False}


def _settings(request: Request) -> BlockSettings | None:
    blocks: BlockSettings | None = request.app.state.runtime.platform.blocks
    return blocks


def block_shown(request: Request) -> BlockSetting | None:
    """The signed-in provider's setting, for its terms page."""
    blocks, user = _settings(request), signed_in(request)
    if blocks is None or user is None:
        return None
    try:
        return blocks.of(user.id)
    except DomainError:
        return None  # not a provider (yet)


def block_enabled(request: Request, provider_id: str) -> bool:
    """Whether a provider's orders go as blocks now, for its public page."""
    blocks = _settings(request)
    return blocks is not None and blocks.enabled(provider_id)


@router.post("/provider/block-execution", response_class=HTMLResponse)
async def set_block_execution(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    choice = forms.text(data, "block_execution", 16) or "default"
    blocks = _settings(request)
    try:
        if choice not in CHOICES or blocks is None:
            raise forms.FormError("choose block execution: default, on or off")
        runtime.act(lambda: blocks.set(user.id, CHOICES[choice]))
    except (forms.FormError, DomainError) as error:
        return render(
            request, "message.html", forms.error_status(error),
            title="Block execution not changed", message=str(error),
        )  # fmt: skip
    return redirect("/provider/terms")
