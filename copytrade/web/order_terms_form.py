"""The order terms a `/trade` form asks for: a trigger (stop, take-profit, trailing
stop with a distance or a percent), time in force, post-only (docs/web.md "Trade",
docs/venues.md "Order terms" and "Trigger orders"). Each mistake is a FormError naming
the field, raised before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from copytrade.adapters.venues.order_terms import (
    MAX_TRAIL_PERCENT,
    PLAIN,
    OrderTerms,
    TimeInForce,
    Trigger,
    TriggerKind,
)
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import MAX_AMOUNT
from copytrade.web import forms

TERM_FIELDS = ("trigger", "trigger_price", "trail_distance", "trail_percent", "time_in_force")
NO_TRIGGER = "none"


def terms_asked(data: Mapping[str, object]) -> OrderTerms:
    """The form's terms; PLAIN when it asks for none."""
    time_in_force = forms.choice(data, "time_in_force", TimeInForce, TimeInForce.GTC)
    post_only = data.get("post_only") == "yes"
    trigger = _trigger(data)
    if trigger is None and time_in_force is TimeInForce.GTC and not post_only:
        return PLAIN
    return OrderTerms(trigger, time_in_force or TimeInForce.GTC, post_only)


def _trigger(data: Mapping[str, object]) -> Trigger | None:
    kind_text = forms.text(data, "trigger", 40)
    price = forms.decimal_or_none(data, "trigger_price", low=Decimal(0), high=MAX_AMOUNT)
    distance = forms.decimal_or_none(data, "trail_distance", low=Decimal(0), high=MAX_AMOUNT)
    percent = forms.decimal_or_none(data, "trail_percent", low=Decimal(0), high=MAX_TRAIL_PERCENT)
    if kind_text in ("", NO_TRIGGER):
        if price is not None or distance is not None or percent is not None:
            raise forms.FormError(
                "choose a trigger (stop, take profit or trailing stop) for the trigger "
                "price or trail, or leave them empty"
            )
        return None
    kind = forms.choice(data, "trigger", TriggerKind, None)
    if kind is TriggerKind.TRAILING_STOP:
        if (distance is None) == (percent is None):
            raise forms.FormError(
                "a trailing stop needs exactly one of trail distance and trail percent"
            )
        if price is not None:
            raise forms.FormError("a trailing stop has no trigger price: leave it empty")
    elif price is None or price <= 0:
        label = str(kind).replace("_", " ")
        raise forms.FormError(f"a {label} order needs a trigger price above 0")
    elif distance is not None or percent is not None:
        raise forms.FormError("only a trailing stop has a trail distance or percent")
    try:
        return Trigger(TriggerKind.parse(kind), price, distance, percent)
    except InvalidValueError as error:  # a zero trail, too many decimals
        raise forms.FormError(str(error)) from None
