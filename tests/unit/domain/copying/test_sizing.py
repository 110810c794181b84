from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.copying import ReasonCode, SizedCopy, SizingMode, size_copy
from copytrade.domain.instruments import Instrument
from tests.unit.domain.copying.factories import perp, settings, spot

D = Decimal


def sized(
    instrument: Instrument | None = None, mode: str = "proportional", **kw: object
) -> SizedCopy:
    """Provider: 0.05 BTC at 20,000 on 10,000 equity (usage 0.1), order 0.05, 10x."""
    s = settings(
        mode=mode,
        **{k: kw.pop(k) for k in ("fixed_amount", "multiplier", "leverage") if k in kw},
    )
    inputs: dict[str, object] = {
        "fill_qty": D("0.05"),
        "fill_price": D("20000"),
        "provider_order_qty": D("0.05"),
        "provider_equity": D("10000"),
        "copy_equity": D("2000"),
        "provider_leverage": D("10"),
    }
    inputs.update(kw)
    return size_copy(s, instrument or perp(), **inputs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "kw", "notional"),
    [
        # usage = 0.05 × 20,000 / 10,000 = 0.1; proportional: 2,000 × 0.1 = 200
        ("proportional", {}, D("200")),
        # equity before the fill counts positions: 40,000 → usage 0.025 → 50
        ("proportional", {"provider_equity": D("40000")}, D("50")),
        # multiplier: 2,000 × 0.1 × 2.5 = 500
        ("multiplier", {"multiplier": D("2.5")}, D("500")),
        ("multiplier", {"multiplier": D("0.5")}, D("100")),
        # fixed_amount: 300 × 0.05 / 0.2 = 75 (a quarter of the order filled)
        ("fixed_amount", {"fixed_amount": D(300), "provider_order_qty": D("0.2")}, D("75")),
        # fixed_amount ignores equities: 300 × 0.05 / 0.05 = 300
        ("fixed_amount", {"fixed_amount": D(300), "provider_equity": D(0)}, D("300")),
        # a fill larger than its order (bad data) never copies more than the fixed amount
        ("fixed_amount", {"fixed_amount": D(300), "provider_order_qty": D("0.01")}, D("300")),
    ],
)
def test_sizing_modes(mode: str, kw: dict[str, object], notional: Decimal) -> None:
    result = sized(mode=mode, **kw)
    assert result.reason is None
    assert result.notional == notional


@pytest.mark.parametrize(
    ("fills", "order_qty", "fixed", "notionals"),
    [
        # 1.0 BTC order filled 0.2 + 0.3 + 0.5: 60 + 90 + 150 = 300
        ((D("0.2"), D("0.3"), D("0.5")), D("1"), D(300), (D(60), D(90), D(150))),
        # 0.4 filled 0.1 four times: 25 each = 100
        ((D("0.1"),) * 4, D("0.4"), D(100), (D(25),) * 4),
    ],
)
def test_fixed_amount_partial_fills_sum_to_the_fixed_amount(
    fills: tuple[Decimal, ...], order_qty: Decimal, fixed: Decimal, notionals: tuple[Decimal, ...]
) -> None:
    parts = [
        sized(mode="fixed_amount", fixed_amount=fixed, fill_qty=q, provider_order_qty=order_qty)
        for q in fills
    ]
    assert tuple(p.notional for p in parts) == notionals
    assert sum(p.notional for p in parts) == fixed


def test_fixed_amount_thirds_sum_to_the_fixed_amount_at_money_precision() -> None:
    # 100 × 0.1 / 0.3 = 33.333…(28 digits); three of them round to 100.00000000.
    parts = [
        sized(
            mode="fixed_amount",
            fixed_amount=D(100),
            fill_qty=D("0.1"),
            provider_order_qty=D("0.3"),
        ).notional
        for _ in range(3)
    ]
    assert sum(parts).quantize(D("0.00000001")) == D(100)


@pytest.mark.parametrize(
    ("instrument", "own", "provider", "leverage"),
    [
        (perp(), None, D(10), D(10)),  # copies the provider's
        (perp(), None, D(50), D(20)),  # capped by the instrument max (20)
        (perp(), D(5), D(10), D(5)),  # the follower's own wins
        (perp(), D(30), D(10), D(20)),  # own, capped too
        (perp(), None, D("0.5"), D(1)),  # provider below 1 is bad data: unlevered
        (spot(), None, D(10), D(1)),  # spot is always 1
        (spot(), D(5), D(1), D(1)),
    ],
)
def test_leverage(
    instrument: Instrument, own: Decimal | None, provider: Decimal, leverage: Decimal
) -> None:
    assert sized(instrument, leverage=own, provider_leverage=provider).leverage == leverage


@pytest.mark.parametrize(
    ("mode", "kw", "reason"),
    [
        ("proportional", {"provider_equity": D(0)}, ReasonCode.NO_PROVIDER_EQUITY),
        ("multiplier", {"provider_equity": D(-5)}, ReasonCode.NO_PROVIDER_EQUITY),
        ("proportional", {"fill_price": D(0)}, ReasonCode.INVALID_PRICE),
        ("fixed_amount", {"fill_price": D(-1), "fixed_amount": D(1)}, ReasonCode.INVALID_PRICE),
        ("proportional", {"fill_qty": D(0)}, ReasonCode.INVALID_FILL),
        (
            "fixed_amount",
            {"provider_order_qty": D(0), "fixed_amount": D(1)},
            ReasonCode.INVALID_FILL,
        ),
        ("proportional", {"copy_equity": D(0)}, ReasonCode.NO_COPY_EQUITY),
        ("fixed_amount", {"copy_equity": D(-1), "fixed_amount": D(1)}, ReasonCode.NO_COPY_EQUITY),
    ],
)
def test_every_input_gets_an_answer(mode: str, kw: dict[str, object], reason: ReasonCode) -> None:
    result = sized(mode=mode, **kw)
    assert (result.reason, result.notional) == (reason, D(0))


def test_sizing_mode_enum_values_are_the_contract() -> None:
    assert [m.value for m in SizingMode] == ["fixed_amount", "proportional", "multiplier"]
