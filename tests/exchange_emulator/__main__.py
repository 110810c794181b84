"""Run the exchange emulator as its own process: a development tool, not product code.

``python -m tests.exchange_emulator --accounts 1000`` (from the repository root) serves
the emulated Binance on 127.0.0.1 with ``--accounts`` accounts of ``--balance`` USDT,
their keys ``<prefix>-key-<i>`` / ``<prefix>-secret-<i>-0123456789`` (i from 0), one
spot market ``ETHUSDT`` priced ``--price``. It prints ``listening <base URL>`` and
serves until its standard input closes or it is terminated. ``copytrade bench live``
starts it this way (docs/benchmarks.md, "Live copies through ccxt"); point
``--exchange-url`` at one started by hand to run the two apart.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from decimal import Decimal

from tests.exchange_emulator.server import Emulator
from tests.exchange_emulator.state import MarketSpec

ETH = MarketSpec("ETH", "USDT", step=Decimal("0.0001"), min_qty=Decimal("0.0001"))


def account_keys(prefix: str, index: int) -> tuple[str, str]:
    return f"{prefix}-key-{index}", f"{prefix}-secret-{index}-0123456789"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.exchange_emulator")
    parser.add_argument("--accounts", type=int, default=1)
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--balance", type=Decimal, default=Decimal(10_000))
    parser.add_argument("--price", type=Decimal, default=Decimal(2_000))
    args = parser.parse_args()
    emulator = Emulator([ETH])
    for index in range(args.accounts):
        emulator.state.add_account(*account_keys(args.prefix, index), {"USDT": args.balance})
    emulator.state.set_price(ETH.id, args.price)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    with emulator.running():
        print(f"listening {emulator.base_url}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
