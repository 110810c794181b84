"""The markets of ``copytrade demo``: three USDT perps and BTC spot.

Ticks, lot steps and minimums are those of a large exchange's USDT markets
(Bybit-like, rounded); fees are the common base tier: perp maker 0.02 %,
taker 0.055 %, spot 0.1 % either way. The feed's specs take each
instrument's tick, so every synthetic price is a valid price.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from copytrade.domain.instruments import Instrument, InstrumentKind
from copytrade.domain.values import USDT
from copytrade.marketdata.specs import SymbolSpec, default_symbol_specs

D = Decimal
BTC_PERP = "BTC/USDT:USDT"
ETH_PERP = "ETH/USDT:USDT"
SOL_PERP = "SOL/USDT:USDT"
BTC_SPOT = "BTC/USDT"

_PERP_MAKER, _PERP_TAKER, _SPOT_FEE = D("0.0002"), D("0.00055"), D("0.001")
_MIN_NOTIONAL = D(5)


def _perp(base: str, tick: str, lot: str, max_qty: str, max_leverage: int) -> Instrument:
    return Instrument(
        symbol=f"{base}/USDT:USDT",
        kind=InstrumentKind.PERP,
        base=base,
        quote=USDT,
        tick=D(tick),
        lot_step=D(lot),
        min_qty=D(lot),
        min_notional=_MIN_NOTIONAL,
        max_qty=D(max_qty),
        maker_fee=_PERP_MAKER,
        taker_fee=_PERP_TAKER,
        max_leverage=D(max_leverage),
    )


DEMO_INSTRUMENTS: tuple[Instrument, ...] = (
    _perp("BTC", "0.1", "0.001", "100", 100),
    _perp("ETH", "0.01", "0.01", "1500", 100),
    _perp("SOL", "0.01", "0.1", "20000", 50),
    Instrument(
        symbol=BTC_SPOT,
        kind=InstrumentKind.SPOT,
        base="BTC",
        quote=USDT,
        tick=D("0.01"),
        lot_step=D("0.000001"),
        min_qty=D("0.000001"),
        min_notional=_MIN_NOTIONAL,
        max_qty=D(100),
        maker_fee=_SPOT_FEE,
        taker_fee=_SPOT_FEE,
    ),
)
DEMO_INSTRUMENTS_BY_SYMBOL = {instrument.symbol: instrument for instrument in DEMO_INSTRUMENTS}


def demo_symbol_specs() -> tuple[SymbolSpec, ...]:
    """The synthetic-feed specs of the demo's markets, each on its instrument's tick."""
    specs = default_symbol_specs(*DEMO_INSTRUMENTS_BY_SYMBOL)
    return tuple(replace(spec, tick=DEMO_INSTRUMENTS_BY_SYMBOL[spec.symbol].tick) for spec in specs)
