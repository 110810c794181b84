"""Operations: ``/healthz``, ``/readyz`` and ``/metrics`` (docs/operations.md).

Public and outside ``/api``: no sign-in, no rate limit, and only GETs, so the
Origin check of unsafe methods never applies. A probe or a scraper calls them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel

from copytrade.api.deps import Runtime
from copytrade.api.readiness import readiness

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: str


class CheckOut(BaseModel):
    name: str
    ok: bool
    detail: str


class Ready(BaseModel):
    status: str  # "ready" or "not_ready"
    checks: list[CheckOut]


@router.get("/healthz", response_model=Alive)
def healthz() -> Alive:
    """The process is alive and answers HTTP (nothing else is checked)."""
    return Alive(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "A check failed: see `checks`."}},
)
def readyz(request: Request, runtime: Runtime) -> JSONResponse:
    """Ready to serve: the database answers, its migrations are current, the scheduler runs."""
    scheduler = getattr(request.app.state, "scheduler", None)
    checks = readiness(runtime.container.engine, scheduler)
    ok = all(c.ok for c in checks)
    body = Ready(
        status="ready" if ok else "not_ready",
        checks=[CheckOut(name=c.name, ok=c.ok, detail=c.detail) for c in checks],
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(runtime: Runtime) -> Response:
    """The server's metrics in Prometheus's text format."""
    return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
