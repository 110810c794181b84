"""Shared test configuration: hypothesis profiles and external-service gates.

Tests that need PostgreSQL or NATS ask for the ``postgres_url`` / ``nats_url``
fixtures. With ``CI=true`` a missing server fails the test loudly; elsewhere
the test is skipped with the reason.
"""

from __future__ import annotations

import os
import socket

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; start it to run this test (it is mandatory when CI=true)")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(
        "CT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    require_service("PostgreSQL", os.environ.get("PGHOST_TEST", "127.0.0.1"), 5432)
    return url


@pytest.fixture(scope="session")
def nats_url() -> str:
    require_service("NATS", "127.0.0.1", 4222)
    return os.environ.get("CT_TEST_NATS_URL", "nats://127.0.0.1:4222")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The local Redis (the shared rate-limit store of several API servers)."""
    require_service("Redis", "127.0.0.1", 6379)
    return os.environ.get("CT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
