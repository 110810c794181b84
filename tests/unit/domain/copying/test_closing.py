from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.copying import (
    CloseContext,
    CopyAction,
    ReasonCode,
    RelationshipStatus,
    close_fraction,
    follower_close_qty,
    gate_closing,
    split_flip,
)
from copytrade.domain.errors import InvalidValueError
from tests.unit.domain.copying.factories import perp

D = Decimal
ACTIVE, PAUSED, STOPPED = RelationshipStatus


@pytest.mark.parametrize(
    ("fill", "position", "fraction"),
    [
        (D("0.5"), D(2), D("0.25")),  # partial
        (D(2), D(2), D(1)),  # full
        (D(3), D(2), D(1)),  # over-full (a flip's fill): capped at 1
        (D("-0.5"), D(2), D("0.25")),  # signed inputs: magnitudes
        (D("0.5"), D(-2), D("0.25")),  # reducing a short
    ],
)
def test_close_fraction(fill: Decimal, position: Decimal, fraction: Decimal) -> None:
    assert close_fraction(fill, position) == fraction


def test_close_fraction_refuses_a_flat_position() -> None:
    with pytest.raises(InvalidValueError, match="flat position"):
        close_fraction(D(1), D(0))


@pytest.mark.parametrize(
    ("position", "fraction", "qty"),
    [
        (D("0.9"), D("0.25"), D("0.225")),  # 0.9 × 0.25 on the 0.001 lot
        (D("0.01"), D("0.333"), D("0.003")),  # 0.00333 → down to 0.003
        (D("0.01"), D(1), D("0.01")),  # full: the whole position
        (D("0.0123456"), D(1), D("0.0123456")),  # full takes an off-step position too: no dust
        (D("-0.9"), D("0.5"), D("0.45")),  # a short: magnitude
        (D("0.002"), D("0.4"), D(0)),  # 0.0008 rounds to zero
        (D("0.5"), D(0), D(0)),
    ],
)
def test_follower_close_qty(position: Decimal, fraction: Decimal, qty: Decimal) -> None:
    assert follower_close_qty(perp(), position, fraction) == qty


@pytest.mark.parametrize(
    ("position", "fill", "close", "open_"),
    [
        (D(0), D(1), D(0), D(1)),  # opening from flat
        (D(2), D(1), D(0), D(1)),  # increasing a long
        (D(-2), D(-1), D(0), D(1)),  # increasing a short
        (D(2), D(-1), D(1), D(0)),  # partial close
        (D(2), D(-2), D(2), D(0)),  # full close
        (D(2), D(-3), D(2), D(1)),  # flip long → short: close 2, open 1
        (D(-1), D("2.5"), D(1), D("1.5")),  # flip short → long
        (D(2), D(0), D(0), D(0)),
    ],
)
def test_split_flip(position: Decimal, fill: Decimal, close: Decimal, open_: Decimal) -> None:
    assert split_flip(position, fill) == (close, open_)


@pytest.mark.parametrize(
    ("status", "position", "detached", "action", "reason", "qty"),
    [
        # fraction 0.25 of 0.9 = 0.225; 0.225 × 30,000 = 6,750; fee 3.375
        (ACTIVE, D("0.9"), False, CopyAction.PLACED, None, D("0.225")),
        (PAUSED, D("0.9"), False, CopyAction.PLACED, None, D("0.225")),  # paused still closes
        (STOPPED, D("0.9"), False, CopyAction.SKIPPED, ReasonCode.NOT_ACTIVE, D(0)),
        (ACTIVE, D("0.9"), True, CopyAction.SKIPPED, ReasonCode.DETACHED, D(0)),
        (ACTIVE, D(0), True, CopyAction.SKIPPED, ReasonCode.DETACHED, D(0)),  # detached first
        (ACTIVE, D(0), False, CopyAction.SKIPPED, ReasonCode.NO_POSITION, D(0)),
        # 0.002 × 0.25 = 0.0005 < one lot
        (ACTIVE, D("0.002"), False, CopyAction.SKIPPED, ReasonCode.BELOW_LOT_STEP, D(0)),
        # 0.004 × 0.25 = 0.001 = min qty; 30 USDT notional ≥ 5: minimums never block a close
        (ACTIVE, D("0.004"), False, CopyAction.PLACED, None, D("0.001")),
    ],
)
def test_gate_closing(
    status: RelationshipStatus,
    position: Decimal,
    detached: bool,
    action: CopyAction,
    reason: ReasonCode | None,
    qty: Decimal,
) -> None:
    close = CloseContext.for_fill(perp(), D("0.5"), D(2), D(30000))
    d = gate_closing(close, status, position, detached)
    assert (d.action, d.reason, d.qty) == (action, reason, qty)
    if action is CopyAction.PLACED:
        assert (d.notional, d.fee, d.price) == (qty * 30000, qty * 30000 * D("0.0005"), D(30000))


def test_closes_ignore_minimum_notional_and_max_open_trades() -> None:
    # min notional 1,000 would block an opening of 0.001 × 30,000 = 30; a close is not blocked.
    close = CloseContext(perp(min_notional=D(1000)), D(1), D(30000))
    d = gate_closing(close, ACTIVE, D("0.001"))
    assert (d.action, d.qty) == (CopyAction.PLACED, D("0.001"))
