"""Browser tests: Debian's Chromium, headless, driven by Playwright against a real server.

The server is uvicorn in a thread on a free port, over a SQLite file seeded with
the stats world. Without /usr/bin/chromium the tests skip, except with CI=true,
where they fail (CI installs it). Never let Playwright download a browser.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from starlette.types import ASGIApp

from copytrade.api.runtime import ServerRuntime

from ..integration.web.seed import SeededWorld, seeded_world

CHROMIUM = Path(os.environ.get("CT_TEST_CHROMIUM", "/usr/bin/chromium"))
# Screenshots of every page the tests visit (git-ignored; CI keeps them as artifacts).
ARTIFACTS = Path(
    os.environ.get("CT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def require_chromium(path: Path = CHROMIUM) -> None:
    if path.is_file() and os.access(path, os.X_OK):
        return
    message = f"Chromium is not installed at {path}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; `apt-get install chromium` to run the browser tests")


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot as ``<ARTIFACTS>/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    runtime: ServerRuntime
    ids: dict[str, str]


@contextmanager
def uvicorn_thread(app: ASGIApp) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port of 127.0.0.1; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    world: SeededWorld = seeded_world(tmp_path_factory.mktemp("browser"))
    api = world.api()
    try:
        with uvicorn_thread(api.client.app) as url:
            yield LiveServer(url, api.runtime, world.ids)
    finally:
        world.engine.dispose()


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
