"""``copytrade serve`` as a real process: HTTP on a port, the live market ticking, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    database = tmp_path / "served.db"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYTRADE_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "copytrade.cli",
            "serve",
            "--database",
            str(database),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"serve did not answer: {process.communicate()[0].decode()}")
    yield base, database, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_answers_signs_in_and_ticks_the_market(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, database, process = served
    spec = httpx.get(f"{base}/openapi.json").json()
    assert "/api/leaderboard" in spec["paths"] and "/api/auth/login" in spec["paths"]
    body = {"email": "eve@example.com", "password": "a long passphrase", "jurisdiction": "NL"}
    assert httpx.post(f"{base}/api/auth/register", json=body).status_code == 201
    login = httpx.post(f"{base}/api/auth/login", json=body).json()
    me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {login['token']}"})
    assert me.json()["email"] == "eve@example.com"
    missing = httpx.get(f"{base}/api/no-such-thing")
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
