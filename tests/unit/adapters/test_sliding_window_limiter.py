"""The sliding-window limiter behind the sign-in throttle and the order rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copytrade.adapters.throttle import SWEEP_EVERY, SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_take_allows_the_limit_per_window_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(3, timedelta(seconds=10), clock)
    assert [limiter.take("u") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += timedelta(seconds=4)
    assert limiter.take("u") == 6.0 and limiter.take("v") == 0.0
    clock.now += timedelta(seconds=6)  # the first three left the window
    assert limiter.take("u") == 0.0


def test_forgotten_and_idle_keys_are_not_kept() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(1, timedelta(seconds=10), clock)
    limiter.record("a")
    assert limiter.retry_after("a") == 10.0
    limiter.forget("a")
    assert limiter.retry_after("a") == 0.0
    limiter.record("b")
    clock.now += timedelta(seconds=11)
    assert limiter.retry_after("b") == 0.0
    assert len(limiter) == 0  # what a flood of one-off keys would otherwise hold


def test_keys_recorded_once_and_never_read_again_are_swept() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(5, timedelta(seconds=10), clock)
    for i in range(SWEEP_EVERY - 1):
        limiter.record(f"sprayed-{i}")  # each address once, never asked about again
    assert len(limiter) == SWEEP_EVERY - 1
    clock.now += timedelta(seconds=11)
    limiter.record("fresh")  # the sweep runs every SWEEP_EVERY records
    assert len(limiter) == 1
