"""An order's terms (trigger, time in force, post-only) as the flat fields the
platform's order records keep them in (``orders``, migration 0039), and back: what an
order re-sent by recovery needs to go out as it was asked (docs/venues.md "Order terms",
"Trigger orders"; docs/engine.md "Crash recovery")."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from copytrade.adapters.venues.order_terms import (
    PLAIN,
    OrderTerms,
    TimeInForce,
    Trigger,
    TriggerKind,
)

TERM_FIELDS = (
    "trigger_kind", "trigger_price", "trail_distance", "trail_percent", "time_in_force",
    "post_only",
)  # fmt: skip


class HasTerms(Protocol):
    @property
    def trigger_kind(self) -> str | None: ...
    @property
    def trigger_price(self) -> Decimal | None: ...
    @property
    def trail_distance(self) -> Decimal | None: ...
    @property
    def trail_percent(self) -> Decimal | None: ...
    @property
    def time_in_force(self) -> str: ...
    @property
    def post_only(self) -> bool: ...


def term_fields(terms: OrderTerms) -> dict[str, object]:
    """The fields of an order record that keep these terms."""
    t = terms.trigger
    return {
        "trigger_kind": None if t is None else t.kind.value,
        "trigger_price": None if t is None else t.price,
        "trail_distance": None if t is None else t.trail_distance,
        "trail_percent": None if t is None else t.trail_percent,
        "time_in_force": terms.time_in_force.value,
        "post_only": terms.post_only,
    }


def terms_of(order: HasTerms) -> OrderTerms:
    """The terms an order record keeps, as the venue request takes them."""
    if order.trigger_kind is None and order.post_only is False and order.time_in_force == "gtc":
        return PLAIN
    trigger = None
    if order.trigger_kind is not None:
        trigger = Trigger(
            TriggerKind.parse(order.trigger_kind),
            order.trigger_price,
            order.trail_distance,
            order.trail_percent,
        )
    return OrderTerms(trigger, TimeInForce.parse(order.time_in_force), order.post_only)
