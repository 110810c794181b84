"""Everything about one provider fill that is the same for all its followers.

Built once per fill, then read by the gate for each of up to 10,000 followers,
so per-follower work is a handful of comparisons and multiplications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from copytrade.domain.copying.reasons import CopyDecision, ReasonCode, skip_table
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, ZERO, round_down


@dataclass(frozen=True, slots=True)
class FillContext:
    """An opening (or increasing) provider fill, as the gate needs it.

    Quantities are magnitudes of the part that opens: for a flip, the remainder
    after the close (``split_flip``). ``provider_order_qty`` is the opening
    quantity of the provider's whole order (fixed_amount sizing spreads the fixed
    amount over its fills). ``provider_equity`` is the provider's equity before
    the fill: cash plus positions marked, never the free balance alone.
    ``current_price`` is what a follower's market order will pay now; it
    defaults to the fill price. No input makes construction fail: impossible
    data becomes a skip reason for every follower (``invalid``).
    """

    instrument: Instrument
    fill_qty: Decimal
    fill_price: Decimal
    provider_order_qty: Decimal
    provider_equity: Decimal
    provider_leverage: Decimal = ONE
    current_price: Decimal | None = None
    price: Decimal = field(init=False, repr=False, compare=False)
    invalid: ReasonCode | None = field(init=False, repr=False, compare=False)
    usage: Decimal | None = field(init=False, repr=False, compare=False)
    order_fraction: Decimal | None = field(init=False, repr=False, compare=False)
    deviation: Decimal = field(init=False, repr=False, compare=False)
    leverage: Decimal = field(init=False, repr=False, compare=False)
    max_qty: Decimal = field(init=False, repr=False, compare=False)
    fee_rate: Decimal = field(init=False, repr=False, compare=False)
    money_unit: Decimal = field(init=False, repr=False, compare=False)
    skips: dict[ReasonCode, CopyDecision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        inst = self.instrument
        fill_price = self.fill_price
        price = fill_price if self.current_price is None else self.current_price
        put(self, "price", price)
        invalid = None
        if fill_price <= ZERO or price <= ZERO:
            invalid = ReasonCode.INVALID_PRICE
        elif self.fill_qty <= ZERO:
            invalid = ReasonCode.INVALID_FILL
        put(self, "invalid", invalid)
        usage = None
        if invalid is None and self.provider_equity > ZERO:
            usage = self.fill_qty * fill_price / self.provider_equity
        put(self, "usage", usage)
        fraction = None
        if invalid is None and self.provider_order_qty > ZERO:
            # A fill larger than its order is bad data: never copy more than the fixed amount.
            fraction = min(ONE, self.fill_qty / self.provider_order_qty)
        put(self, "order_fraction", fraction)
        put(self, "deviation", abs(price - fill_price) / fill_price if invalid is None else ZERO)
        # A provider leverage below 1 is bad data: copy unlevered rather than fail.
        put(self, "leverage", inst.cap_leverage(max(ONE, self.provider_leverage)))
        put(self, "max_qty", round_down(inst.max_qty, inst.lot_step))
        # Copies are market orders (taker). A taker rebate is not counted on: it is
        # paid after the fill, the cash must cover the order before it.
        put(self, "fee_rate", max(ZERO, inst.taker_fee))
        put(self, "money_unit", inst.quote.unit)
        put(self, "skips", skip_table(price))

    def skip(self, reason: ReasonCode) -> CopyDecision:
        return self.skips[reason]
