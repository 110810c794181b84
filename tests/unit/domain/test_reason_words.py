"""Every copy reason has words a person reads (the demo's report, pages)."""

from copytrade.domain.copying.reasons import REASON_WORDS, ReasonCode, reason_words


def test_every_reason_code_has_words() -> None:
    assert set(REASON_WORDS) == set(ReasonCode)
    assert reason_words("max_open_trades") == "max open trades reached"
    assert reason_words("not_a_code") == "not_a_code" and reason_words(None) == "unknown"
