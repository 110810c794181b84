"""The live configuration of ``copytrade serve`` is typed and strict (docs/venues.md,
"Serving live venues")."""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrade.config import SettingsError
from copytrade.server.live import LiveConfig, load_live_config
from copytrade.service_layer.exchange_accounts import ExchangeSite

GOOD = """
[exchanges.binance]
api_base = "http://127.0.0.1:9000"
[exchanges.okx]

[tickers]
exchange = "binance"
symbols = ["BTC/USDT"]
interval_seconds = 1.5

[[watch]]
account = "pro"
"""


def _load(tmp_path: Path, text: str) -> LiveConfig:
    path = tmp_path / "live.toml"
    path.write_text(text)
    return load_live_config(path)


def test_a_full_file(tmp_path: Path) -> None:
    config = _load(tmp_path, GOOD)
    assert config.sites() == {
        "binance": ExchangeSite("binance", "http://127.0.0.1:9000"),
        "okx": ExchangeSite("okx", None),
    }
    assert config.tickers.interval_seconds == 1.5
    assert config.watch[0].symbols == []
    assert config.watch[0].websocket and config.watch[0].ws_base is None  # streamed


def test_a_watch_on_a_websocket_base(tmp_path: Path) -> None:
    text = "[[watch]]\naccount = 'pro'\nws_base = 'wss://ws.example'\nwebsocket = false\n"
    [watch] = _load(tmp_path, text).watch
    assert watch.ws_base == "wss://ws.example" and not watch.websocket


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[exchanges.binance]\napi_bsae = 'http://x'\n", "exchanges.binance.api_bsae"),
        ("[exchanges.binance]\napi_base = 'ftp://x'\n", "api_base"),
        ("[exchanges.kraken]\n", "not supported"),
        ("[tickers]\nexchange = 'binance'\n", "needs its [exchanges.binance] section"),
        ("[[watch]]\naccount = 'a'\n[[watch]]\naccount = 'a'\n", "watched twice"),
        ("[[watch]]\naccount = 'a'\ninterval_seconds = 0\n", "interval_seconds"),
        ("watch = 3\n", "watch"),
        ("[[watch]]\naccount = 'a'\nws_base = 'http://x'\n", "watch.0.ws_base"),
        ("[exchanges\n", "is not TOML"),
    ],
)
def test_a_wrong_file_is_one_configuration_error(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(SettingsError, match="configuration error") as raised:
        _load(tmp_path, text)
    assert said in str(raised.value)
    assert "\n" not in str(raised.value).strip()


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read"):
        load_live_config(tmp_path / "nope.toml")
