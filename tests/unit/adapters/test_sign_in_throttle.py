"""Failed sign-ins per (address, client) and per client; clients by IPv4 or IPv6 /64."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copytrade.adapters.sign_in_throttle import SignInThrottle, client_key


def test_client_keys() -> None:
    assert client_key("203.0.113.9") == "203.0.113.9"
    assert (
        client_key("2001:db8:1:2::7") == client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    )
    assert client_key("2001:db8:1:3::7") != client_key("2001:db8:1:2::7")
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"  # IPv4 on a dual-stack socket
    assert client_key(None) == "unknown" and client_key("testclient") == "testclient"


def test_pairs_and_clients_are_counted_apart() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    throttle = SignInThrottle(lambda: now[0], per_account=2, per_client=3)
    for _ in range(2):
        throttle.failed("ana@x.io", "a")
    assert throttle.retry_after("ana@x.io", "a") > 0  # this pair is stopped
    assert throttle.retry_after("bo@x.io", "a") == 0  # the client may try another address
    assert throttle.retry_after("ana@x.io", "b") == 0  # the owner elsewhere is not affected
    throttle.failed("bo@x.io", "a")
    assert throttle.retry_after("cy@x.io", "a") > 0  # three failures: the client is stopped
    throttle.succeeded("ana@x.io", "b")
    now[0] += timedelta(minutes=15, seconds=1)
    assert throttle.retry_after("ana@x.io", "a") == 0 and throttle.retry_after("cy@x.io", "a") == 0
