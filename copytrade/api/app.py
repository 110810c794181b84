"""The FastAPI application: routers, error handlers, and the runtime it serves."""

from __future__ import annotations

from fastapi import FastAPI

from copytrade import __version__
from copytrade.api.body_limit import BodyLimit
from copytrade.api.docs_page import install_docs_page
from copytrade.api.errors import install_error_handlers
from copytrade.api.headers import AnswerHeaders
from copytrade.api.page_cache import CachedPages, PageCache
from copytrade.api.paths import LEADERBOARD
from copytrade.api.request_log import RequestLog
from copytrade.api.routers import (
    accounts,
    admin,
    alert_channels,
    alerts,
    api_keys,
    auth,
    block_execution,
    discovery,
    events,
    exchange_accounts,
    fill_quality,
    live_relationships,
    ops,
    orders,
    positions,
    providers_me,
    relationships,
    risk_alerts,
    statements,
    whatif,
)
from copytrade.api.runtime import ServerRuntime


def create_app(runtime: ServerRuntime) -> FastAPI:
    """The JSON API over one runtime; ``server.assembly.create_http_app`` adds the web
    pages (``copytrade serve`` and the tests each build their own)."""
    app = FastAPI(
        title="copytrade",
        version=__version__,
        description=(
            "Copy trading for crypto markets: discovery, following, settlements. "
            'Every error is a JSON body {"error": {"code", "message"}}; money is a '
            "decimal string."
        ),
        docs_url=None,  # our own /docs, with local assets (api/docs_page.py)
        redoc_url=None,
    )
    install_docs_page(app)
    app.state.runtime = runtime
    settings = runtime.container.settings
    cache = PageCache(settings.api_leaderboard_cache_s, settings.api_leaderboard_cache_entries)
    app.state.leaderboard_cache = cache
    app.add_middleware(CachedPages, cache=cache, path=LEADERBOARD)
    # Added last, so outermost: a cached page gets the headers; a body is refused unread.
    public = {LEADERBOARD: int(settings.api_leaderboard_cache_s)}
    app.add_middleware(AnswerHeaders, public=public)
    app.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    # Outermost: every answer gets its request id, access line and latency.
    app.add_middleware(RequestLog, observe=runtime.metrics.http_done)
    install_error_handlers(app)
    for module in (
        auth,
        api_keys,
        providers_me,
        block_execution,
        discovery,
        whatif,
        fill_quality,
        accounts,
        relationships,
        orders,
        positions,
        statements,
        alerts,
        alert_channels,
        risk_alerts,
        exchange_accounts,
        live_relationships,
        admin,
        events,
        ops,
    ):
        app.include_router(module.router)
    return app
