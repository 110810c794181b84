"""A process that places the provider's stop-market order and is SIGKILLed between
recording its intent and sending it (docs/engine.md "Crash recovery"):

    python -m tests.integration.engine.trigger_crash_child URL

The restart's recovery must send it with its trigger and time in force, not as a plain
market order (docs/venues.md "Trigger orders").
"""

from __future__ import annotations

import sys
from decimal import Decimal as D
from typing import Any

from copytrade.adapters.venues.order_terms import OrderTerms, TimeInForce, Trigger, TriggerKind
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.provider_orders import ProviderOrders

from .crash_child import KillAroundPlace
from .crash_scenario import PROVIDER, PROVIDER_ORDER, PROVIDER_QTY, running
from .harness import PERP

STOP_PRICE = D("51000")
# A buy stop-limit above the mark of 50,000: it waits until the mark reaches 51,000.
TERMS = OrderTerms(Trigger(TriggerKind.STOP, STOP_PRICE), TimeInForce.IOC)
LIMIT = D("51500")


def main(url: str) -> int:
    with running(url) as h:
        venue: Any = KillAroundPlace(h.platform.venue, "provider_sent")
        ProviderOrders(h.engine.uow_factory, venue, h.clock.now).place(
            PROVIDER, PROVIDER_ORDER, PERP.symbol, Side.BUY, PROVIDER_QTY,
            OrderType.LIMIT, LIMIT, terms=TERMS,
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
