"""``copytrade serve`` as a real process: HTTP on a port, the live market ticking, clean stop."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from .serving import free_port, start, stop


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    database = tmp_path / "served.db"
    port = free_port()
    base, process = start(["serve", "--database", str(database), "--port", str(port)], port)
    yield base, database, process
    stop(process)


def test_serve_answers_signs_in_and_ticks_the_market(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, database, process = served
    spec = httpx.get(f"{base}/openapi.json").json()
    assert "/api/v1/leaderboard" in spec["paths"] and "/api/v1/auth/login" in spec["paths"]
    body = {"email": "eve@example.com", "password": "a long passphrase", "jurisdiction": "NL"}
    assert httpx.post(f"{base}/api/v1/auth/register", json=body).status_code == 202
    login = httpx.post(f"{base}/api/v1/auth/login", json=body).json()
    me = httpx.get(f"{base}/api/v1/auth/me", headers={"Authorization": f"Bearer {login['token']}"})
    assert me.json()["email"] == "eve@example.com"
    missing = httpx.get(f"{base}/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    engine = create_engine(f"sqlite:///{database}")

    def prices() -> dict[str, str]:
        with engine.connect() as conn:
            return {
                s: str(p) for s, p in conn.execute(text("SELECT symbol, price FROM paper_prices"))
            }

    first = prices()
    time.sleep(2.5)
    assert first and prices() != first  # the live market moved the paper venue's prices
    engine.dispose()
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert b"Traceback" not in (process.stdout.read() if process.stdout else b"")


def test_demo_then_serves_its_providers(tmp_path: Path) -> None:
    port = free_port()
    args = ["demo", "--weeks", "1", "--followers", "10", "--database", str(tmp_path / "d.db")]
    base, process = start([*args, "--serve", "--port", str(port)], port, wait_s=240)
    try:
        board = httpx.get(f"{base}/api/v1/leaderboard", params={"period": "all"}).json()
        assert board["total"] >= 1 and board["cards"]  # the demo's bots, ranked
        first = board["cards"][0]["provider_id"]
        detail = httpx.get(f"{base}/api/v1/providers/{first}").json()
        assert detail["equity_curve"] and detail["trades"]["items"]
        page = httpx.get(f"{base}/", params={"period": "all"})  # the web UI's leaderboard
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert board["cards"][0]["display_name"] in page.text
        assert "Past results do not guarantee future results" in page.text
    finally:
        stop(process)
