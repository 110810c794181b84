"""Rate limits in Redis (adapters/shared_limits.py): two servers count as one.

Each "server" below makes its own limiters from its own Redis connection, as two
``copytrade serve`` processes do; the keys are under a namespace of this test alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from copytrade.adapters.shared_limits import RateLimitStoreError, redis_limiters
from copytrade.adapters.sign_in_throttle import SignInThrottle
from copytrade.adapters.throttle import LimiterFactory

pytestmark = pytest.mark.redis


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def servers(redis_url: str) -> tuple[LimiterFactory, LimiterFactory]:
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    return redis_limiters(redis_url, namespace), redis_limiters(redis_url, namespace)


def test_a_limit_is_shared_by_two_servers(servers: tuple[LimiterFactory, LimiterFactory]) -> None:
    one, two = (make("orders", 3, timedelta(seconds=30)) for make in servers)
    assert [one.take("u-1"), two.take("u-1"), one.take("u-1")] == [0.0, 0.0, 0.0]
    refused = two.take("u-1")
    assert 1.0 <= refused <= 30.0
    assert one.retry_after("u-1") >= 1.0
    assert two.take("u-2") == 0.0  # another key has its own window
    one.forget("u-1")
    assert two.take("u-1") == 0.0


def test_the_sign_in_throttle_is_shared(servers: tuple[LimiterFactory, LimiterFactory]) -> None:
    one, two = (SignInThrottle(now, per_account=2, limiters=make) for make in servers)
    one.failed("a@example.com", "10.0.0.1")
    two.failed("a@example.com", "10.0.0.1")
    assert one.retry_after("a@example.com", "10.0.0.1") >= 1.0  # two failures, two servers
    assert two.retry_after("b@example.com", "10.0.0.1") == 0.0
    two.succeeded("a@example.com", "10.0.0.1")
    assert one.retry_after("a@example.com", "10.0.0.1") == 0.0


def test_an_unreachable_store_refuses_rather_than_lets_through() -> None:
    limiter = redis_limiters("redis://127.0.0.1:1/0", "nowhere")("orders", 3, timedelta(seconds=5))
    with pytest.raises(RateLimitStoreError, match="unreachable"):
        limiter.take("u-1")
