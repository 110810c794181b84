"""Order requests refuse malformed values at once; market rules are the venue's to reject."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType


def request(**changes: object) -> OrderRequest:
    values: dict[str, object] = {
        "client_order_id": ClientOrderId("c1"),
        "account": "alice",
        "symbol": "BTC/USDT",
        "side": Side.BUY,
        "type": OrderType.MARKET,
        "qty": Decimal("0.01"),
    }
    return OrderRequest(**{**values, **changes})  # type: ignore[arg-type]


def test_strings_are_parsed_into_their_types() -> None:
    parsed = request(side="SELL", type="limit", limit_price=Decimal(5), client_order_id="c2")
    assert (parsed.side, parsed.type, type(parsed.client_order_id)) == (
        Side.SELL,
        OrderType.LIMIT,
        ClientOrderId,
    )


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"qty": 0.01}, "float"),
        ({"qty": Decimal("NaN")}, "finite"),
        ({"qty": Decimal("1e-19")}, "more than 18 decimals"),
        ({"limit_price": Decimal("1e21")}, "at most 1,000,000,000,000,000"),
        ({"qty": Decimal("1000000000000000.000000000000000001")}, "at most"),
        ({"qty": Decimal("12345.0000000000000000001")}, "more than 18 decimals"),
        ({"account": ""}, "AccountId"),
        ({"symbol": "X" * 65}, "1..64"),
        ({"side": "long"}, "'long'"),
        ({"type": "stop"}, "'stop'"),
    ],
)
def test_malformed_values_are_refused_naming_them(changes: dict[str, object], named: str) -> None:
    with pytest.raises(InvalidValueError, match=named):
        request(**changes)


def test_amounts_up_to_the_limit_keep_all_18_decimals() -> None:
    # 1e10 at 18 decimals is 29 digits: the default 28-digit context could not check it.
    for qty in ("10000000000", "9999999999.999999999999999999", "1000000000000000"):
        assert request(qty=Decimal(qty)).qty == Decimal(qty)


def test_an_off_lot_quantity_is_not_refused_here() -> None:
    assert request(qty=Decimal("0.00015")).qty == Decimal("0.00015")  # the venue rejects it
