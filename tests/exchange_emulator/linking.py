"""An emulator with two accounts for the linking tests: one whose key cannot withdraw,
one whose key can (the CLI, API and web tests of docs/venues.md "Linking accounts")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from tests.exchange_emulator.server import Emulator
from tests.exchange_emulator.state import MarketSpec

KEY, SECRET = "emu-key-provider-7Hq2", "emu-secret-provider-0123456789abcdef"
WITHDRAWING_KEY, WITHDRAWING_SECRET = "emu-key-withdraws-Zp3", "emu-secret-withdraws-42"
SECRETS = (KEY, SECRET, WITHDRAWING_KEY, WITHDRAWING_SECRET)


@contextmanager
def linking_emulator() -> Iterator[Emulator]:
    """BTC/USDT spot and perpetual; ``KEY`` holds 2,500 USDT, ``WITHDRAWING_KEY`` 1."""
    emu = Emulator([MarketSpec("BTC", "USDT"), MarketSpec("BTC", "USDT", futures=True)])
    with emu.running():
        emu.state.add_account(KEY, SECRET, {"USDT": Decimal(2500)})
        emu.state.add_account(
            WITHDRAWING_KEY, WITHDRAWING_SECRET, {"USDT": Decimal(1)}, can_withdraw=True
        )
        yield emu
