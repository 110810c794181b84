"""The password rule: length, not digits only, and zxcvbn's score with personal words."""

from __future__ import annotations

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.identity import check_password


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short", "10 to 256"),
        ("1234567890", "digits only"),
        ("5550123498761", "digits only"),
        ("password123", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("abcdabcdabcdabcd", "too easy to guess"),
        (" padded phrase violet ", "spaces"),
    ],
)
def test_weak_passwords_are_refused_with_advice(password: str, words: str) -> None:
    with pytest.raises(InvalidValueError, match=words):
        check_password(password)


def test_personal_words_count_against_a_password() -> None:
    assert check_password("WendyBloggs") == "WendyBloggs"  # strong enough for a stranger's
    with pytest.raises(InvalidValueError, match="too easy to guess"):
        check_password("WendyBloggs", ("wendy.bloggs@example.com", "wendy.bloggs", "Wendy"))


def test_unrelated_words_and_long_passwords_pass() -> None:
    assert check_password("violet tram kettle")
    assert check_password("-".join(["violet tram kettle"] * 12))  # its first 72 judged
