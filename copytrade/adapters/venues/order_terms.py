"""An order's terms beyond type and price: time in force and the trigger of a
conditional order (stop, take-profit, trailing stop). Part of the venue port; every
rule is in docs/venues.md "Order terms" and "Trigger orders".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.copying.choices import parse_choice
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.trigger_status import TriggerStatus  # the lifecycle is the domain's
from copytrade.domain.values import ZERO, bounded_amount

MAX_TRAIL_PERCENT = Decimal(50)


class TimeInForce(StrEnum):
    """How long an order's unfilled part lives: until cancelled, not at all (the
    rest is cancelled), or the whole order fills at once or nothing does."""

    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"

    @classmethod
    def parse(cls, value: object) -> TimeInForce:
        return parse_choice(cls, value, "time in force")


class TriggerKind(StrEnum):
    """stop: buy when the mark rises to the price, sell when it falls to it;
    take_profit: the other way round; trailing_stop: a stop that follows the best mark."""

    STOP = "stop"
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"

    @classmethod
    def parse(cls, value: object) -> TriggerKind:
        if isinstance(value, TriggerKind):
            return value
        try:
            return cls(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            raise InvalidValueError(
                f"trigger kind must be one of {[k.value for k in cls]}, got {value!r}"
            ) from None


@dataclass(frozen=True, slots=True)
class Trigger:
    """``price`` for stop and take-profit; for a trailing stop exactly one of
    ``trail_distance`` (a price amount) and ``trail_percent`` (0 < % ≤ 50)."""

    kind: TriggerKind
    price: Decimal | None = None
    trail_distance: Decimal | None = None
    trail_percent: Decimal | None = None

    def __post_init__(self) -> None:
        _set = object.__setattr__
        _set(self, "kind", TriggerKind.parse(self.kind))
        for name in ("price", "trail_distance", "trail_percent"):
            value = getattr(self, name)
            if value is None:
                continue
            amount = bounded_amount(value, f"trigger {name}")
            if amount <= ZERO:
                raise InvalidValueError(f"trigger {name} must be positive, got {amount}")
            _set(self, name, amount)
        trailing = self.kind is TriggerKind.TRAILING_STOP
        trails = (self.trail_distance is not None) + (self.trail_percent is not None)
        if trailing and (trails != 1 or self.price is not None):
            raise InvalidValueError(
                "a trailing stop needs exactly one of trail_distance and trail_percent, "
                "and no trigger price"
            )
        if not trailing and (self.price is None or trails):
            raise InvalidValueError(f"a {self.kind} trigger needs a trigger price and no trail")
        if self.trail_percent is not None and self.trail_percent > MAX_TRAIL_PERCENT:
            raise InvalidValueError(
                f"trail_percent must be at most {MAX_TRAIL_PERCENT}, got {self.trail_percent}"
            )


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What a provider's order may ask beyond type and price (API, web, ``simulate``)."""

    trigger: Trigger | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "time_in_force", TimeInForce.parse(self.time_in_force))


PLAIN = OrderTerms()


__all__ = [
    "MAX_TRAIL_PERCENT",
    "PLAIN",
    "OrderTerms",
    "TimeInForce",
    "Trigger",
    "TriggerKind",
    "TriggerStatus",
]
