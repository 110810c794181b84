"""Rendering: the Jinja2 environment (autoescaped), number filters and page headers."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from copytrade.api.deps import optional_user
from copytrade.api.origin import same_origin
from copytrade.api.paths import API_V1
from copytrade.domain.copying import CopyAction
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.service_layer.events import NOTICE_TOPICS, EventFeed
from copytrade.service_layer.identity import User
from copytrade.web.svg import identicon

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# The one place the pages name the JSON API: the event stream live pages listen to
# (docs/web.md, Live updates), and the event types that refresh them.
EVENTS_URL = f"{API_V1}/events"
LIVE_EVENTS = (*(f"copy.{action.value}" for action in CopyAction), "fill", *NOTICE_TOPICS)

# Pages load only our own stylesheet and live-update script (which opens the event
# stream: connect-src); inline SVG is markup, not script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def number(value: Any, places: int = 2) -> str:
    """``1,234.57``; an em dash for a missing figure."""
    found = _decimal(value)
    if found is None:
        return "—"
    shown = found.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    return f"{abs(shown) if shown == 0 else shown:,}"  # never "-0.00"


def percent(value: Any, places: int = 2) -> str:
    shown = number(value, places)
    return shown if shown == "—" else f"{shown}%"


def signed_class(value: Any) -> str:
    found = _decimal(value)
    if found is None or found == 0:
        return "flat"
    return "up" if found > 0 else "down"


def duration(seconds: Any) -> str:
    """``2d 3h``, ``3h 12m`` or ``45m``; an em dash when there is none."""
    if seconds is None:
        return "—"
    minutes = int(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(number=number, percent=percent, signed=signed_class)
environment.filters["duration"] = duration
environment.globals.update(
    disclaimer=PAST_PERFORMANCE, identicon=identicon, live_events=" ".join(LIVE_EVENTS)
)


def signed_in(request: Request) -> User | None:
    return optional_user(request, request.app.state.runtime)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    if "user" not in context:
        context["user"] = signed_in(request)
    if context.pop("live", False) and context["user"] is not None:
        # Listen from now on: the page shows everything before (docs/web.md, Live updates).
        feed = EventFeed(request.app.state.runtime.platform.uow)
        context["events_url"] = f"{EVENTS_URL}?after={feed.now()}"
    html = environment.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def redirect(path: str) -> RedirectResponse:
    """After a successful POST: see the result with a GET (303)."""
    return RedirectResponse(path, status_code=303, headers=SECURITY_HEADERS)


def refused(request: Request, message: str = "") -> HTMLResponse:
    return render(
        request,
        "message.html",
        403,
        title="Refused",
        message=message
        or "This form was not sent from a copytrade page. Reload the page and try again.",
    )


def poster(request: Request) -> User | HTMLResponse | RedirectResponse:
    """The signed-in user behind a form POST from our own pages, or the answer to give
    (403 for another origin, to the sign-in page when signed out)."""
    if not same_origin(request):
        return refused(request)
    user = signed_in(request)
    return redirect("/login") if user is None else user
