"""The pure rules of alert channels (docs/alerts.md, "Channels")."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from copytrade.domain.alerts.channels import (
    ChannelKind,
    check_target,
    delivery_id,
    message_text,
    next_attempt,
    retry_delay,
    signature,
    signature_matches,
)
from copytrade.domain.alerts.errors import InvalidAlertError


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    body = b'{"delivery_id": "x"}'
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert signature("k", body) == f"sha256={expected}"
    assert signature_matches("k", body, f"sha256={expected}")
    assert not signature_matches("k", body + b" ", f"sha256={expected}")
    assert not signature_matches("other", body, f"sha256={expected}")


def test_retries_wait_twice_as_long_each_time_up_to_an_hour() -> None:
    waits = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(10_000) == timedelta(hours=1)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_attempt(at, 2) == at + timedelta(minutes=1)


def test_a_delivery_id_joins_the_message_and_the_channel() -> None:
    assert delivery_id("alert:r:t", "chan_1") == "alert:r:t/chan_1"


@pytest.mark.parametrize(
    ("kind", "target", "ok"),
    [
        ("email", "a@b.org", True), ("email", "ab.org", False), ("email", "a@b", False),
        ("webhook", "https://h/x", True), ("webhook", "h/x", False),
        ("telegram", "-1001234", True), ("telegram", "@my_channel", True),
        ("telegram", "chat", False),
    ],
)
def test_targets_are_checked_per_kind(kind: str, target: str, ok: bool) -> None:
    channel_kind = ChannelKind.parse(kind)
    if ok:
        assert check_target(channel_kind, f" {target} ") == target
    else:
        with pytest.raises(InvalidAlertError, match="channel needs") as refused:
            check_target(channel_kind, target)
        assert str(refused.value).endswith(f"got {target!r}")


def test_an_unknown_kind_lists_the_kinds() -> None:
    assert ChannelKind.parse(" Telegram ") is ChannelKind.TELEGRAM
    with pytest.raises(InvalidAlertError, match="use email, webhook or telegram"):
        ChannelKind.parse("sms")


def test_the_message_text_names_the_rule_and_its_values() -> None:
    text = message_text({
        "rule": "alert_1", "symbol": "BTC/USDT", "timeframe": "1h",
        "condition": "RSI(14) crosses above 70", "fired_at": "2026-01-01T01:00:00+00:00",
        "values": {"RSI(14)": "71.2"},
    })
    assert text == ("Alert alert_1: BTC/USDT 1h RSI(14) crosses above 70 at "
                    "2026-01-01T01:00:00+00:00 (RSI(14)=71.2)")
