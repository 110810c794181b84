"""A local Binance emulator: a test double of the exchange's REST wire protocol.

Not product code: it lets the tests run the real ccxt client against a server on
127.0.0.1 (docs/venues.md, "The exchange emulator"). It speaks the subset of Binance
spot (``/api/v3``) and USDⓈ-M futures (``/fapi``) that ccxt's ``binance`` class uses to
load markets, read balances and positions, set leverage, and place, cancel and find
orders by client order id; it checks the API key header and the HMAC-SHA256
signature, matches orders at a price the test sets, and can be told to fail.
"""

from tests.exchange_emulator.faults import Fault
from tests.exchange_emulator.server import Emulator
from tests.exchange_emulator.state import ExchangeState, MarketSpec

__all__ = ["Emulator", "ExchangeState", "Fault", "MarketSpec"]
