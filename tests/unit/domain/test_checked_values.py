"""Values already of their type are taken as they are; everything else is still checked."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, RelationshipId
from copytrade.domain.values import Currency, Price, Quantity, to_decimal


def test_an_id_of_its_own_kind_is_itself_and_another_kind_is_converted() -> None:
    account = AccountId("acc-1")
    assert AccountId(account) is account
    rel = RelationshipId(account)
    assert type(rel) is RelationshipId and rel == "acc-1"
    with pytest.raises(InvalidValueError, match="surrounding spaces"):
        AccountId(" acc-1")


def test_amounts_already_of_their_type_keep_their_exact_form() -> None:
    qty = Quantity(D("0.0020"))
    assert Quantity(qty) is qty and str(Quantity(qty)) == "0.0020"
    assert type(Price(qty)) is Price  # another kind: converted, still checked
    assert str(to_decimal(D("1.50"))) == "1.50"
    with pytest.raises(InvalidValueError, match="finite"):
        to_decimal(D("NaN"))
    with pytest.raises(InvalidValueError, match="negative"):
        Quantity(D("-1"))
    with pytest.raises(InvalidValueError, match="floats"):
        Quantity(0.5)


@pytest.mark.parametrize("precision", range(19))
def test_a_currency_unit_is_one_at_its_precision(precision: int) -> None:
    unit = Currency("USDT", precision).unit
    assert unit == D(1).scaleb(-precision) and str(unit) == str(D(1).scaleb(-precision))
