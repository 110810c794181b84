"""A real ``copytrade`` server process for the e2e tests: start it on a port, stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(
    args: list[str], port: int, wait_s: float = 60, env_extra: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """Run ``copytrade ARGS`` (with ``env_extra`` set) and wait until it answers HTTP on
    ``port``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYTRADE_")}
    env |= env_extra or {}
    process = subprocess.Popen(
        [sys.executable, "-m", "copytrade.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"no HTTP answer: {process.communicate()[0].decode()}")
    return base, process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
