"""Mount the web UI's pages and its static files on the FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from copytrade.web import (
    account,
    alert_channels,
    alerts,
    api_keys,
    auth,
    becoming,
    block_execution,
    dashboard,
    discovery,
    exchange,
    live_relationship,
    relationship,
    risk_alerts,
    trade,
    whatif,
)
from copytrade.web.pages import STATIC


def install_web(app: FastAPI) -> None:
    # relationship before dashboard: its routes are more specific than pause/resume's.
    # alert_channels and risk_alerts before alerts: /alerts/channels/… and /alerts/risk/…
    # are more specific than /alerts/{id}/….
    pages = (
        discovery, auth, account, alert_channels, risk_alerts, alerts, api_keys, exchange,
        relationship, live_relationship, dashboard, becoming, block_execution, trade, whatif,
    )
    for module in pages:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
