"""Hand-computed blocks (docs/domain.md "Block execution", its worked example): a
provider and ten followers on a thin book, in turn and as one block."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.block.allocation import allocate
from copytrade.domain.block.execution import BlockOrder, average, execute_block, execute_in_turn
from copytrade.domain.block.setting import BlockExecution, BlockExecutionError
from copytrade.domain.block.walk import walk
from copytrade.domain.depth import BookDepth
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Side

THIN = BookDepth(D(1), D(1), 10)  # 1 ETH a level, levels 1 USDT apart
COPIES = {f"r{n:02}": D("0.5") for n in range(10)}
TICK, LOT = D("0.01"), D("0.001")


def test_in_turn_the_provider_gets_the_top_of_the_book_and_the_followers_pay_its_impact() -> None:
    fills = execute_in_turn(BlockOrder(Side.BUY, "pro", D(3), COPIES), THIN, D(2000))
    assert fills["pro"] == [(D(1), D(2000)), (D(1), D(2001)), (D(1), D(2002))]
    assert average(fills["pro"]) == D(2001)
    assert fills["r00"] == [(D("0.5"), D(2003))]  # the half of level 3 pro left
    assert fills["r01"] == [(D("0.5"), D(2003))]
    assert fills["r09"] == [(D("0.5"), D(2007))]
    follower_cost = sum(sum(q * p for q, p in fills[k]) for k in COPIES)
    assert follower_cost == D(10025)  # 2 × (2003 + … + 2007) × 0.5: an average of 2005


def test_as_one_block_everyone_pays_the_blocks_average() -> None:
    block = execute_block(BlockOrder(Side.BUY, "pro", D(3), COPIES), THIN, D(2000), TICK, LOT)
    assert block.filled == D(8)
    assert block.venue_notional == D(16028)  # 2000 + 2001 + … + 2007
    assert block.price == D("2003.5")
    assert {a.price for a in block.allocations} == {D("2003.5")}
    assert block.of("pro").qty == D(3) and block.of("pro").notional == D("6010.5")  # +7.5
    assert sum(block.of(k).notional for k in COPIES) == D("10017.5")  # −7.5 against 10025
    assert block.rounding == 0


def test_a_partly_filled_block_is_shared_by_remaining_quantity_and_lot() -> None:
    order = BlockOrder(Side.BUY, "pro", D(3), COPIES, limit=D(2004))
    block = execute_block(order, THIN, D(2000), TICK, LOT)
    assert block.filled == D(5)  # levels 2000 … 2004, then the limit
    assert block.price == D(2002)
    assert block.of("pro").qty == D("1.875")  # 3 × 5/8
    # each copy 0.5 × 5/8 = 0.3125 → 0.312; the 5 lots left go by key, r00 … r04
    assert [block.of(f"r{n:02}").qty for n in range(10)] == [D("0.313")] * 5 + [D("0.312")] * 5


def test_tick_rounding_is_the_platforms_and_fees_split_by_quantity() -> None:
    block = allocate(
        [(D(1), D("100.00")), (D(2), D("100.01"))],
        {"a": D(1), "b": D(1), "c": D(1)},
        TICK, LOT, fee=D("1.00"),
    )
    assert block.price == D("100.01")  # 100.00666… to the tick, half even
    assert block.rounding == D("-0.01")  # venue 300.02, allocated 300.03: the platform's
    assert [a.fee for a in block.allocations] == [D("0.34"), D("0.33"), D("0.33")]


def test_a_walk_continues_inside_a_level() -> None:
    assert walk(THIN, Side.SELL, D(2000), D("1.5"), None, taken=D("2.5")) == [
        (D("0.5"), D(1998)), (D(1), D(1997)),
    ]
    assert walk(THIN, Side.BUY, D(2000), D(1), None, taken=D(10)) == []  # the book is used up


def test_shares_off_the_lot_step_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="lot step"):
        allocate([(D(1), D(100))], {"a": D("0.0005")}, TICK, LOT)


def test_block_execution_is_refused_for_a_provider_on_its_own_exchange_account() -> None:
    setting = BlockExecution(enabled=False)
    on = setting.with_provider("pro", True, live=False)
    assert on.for_provider("pro") and not on.for_provider("other")
    assert BlockExecution(enabled=True).with_provider("pro", False, live=True).for_provider(
        "pro"
    ) is False
    with pytest.raises(BlockExecutionError, match="own exchange account"):
        setting.with_provider("watched", True, live=True)
    assert not BlockExecution.participates(copy_is_live=True)


def test_without_a_depth_model_the_block_fills_all_at_the_mark() -> None:
    order = BlockOrder(Side.SELL, "pro", D(3), COPIES)
    block = execute_block(order, None, D(2000), TICK, LOT)
    assert block.filled == D(8) and block.price == D(2000) and block.rounding == 0


def test_a_block_whose_limit_the_mark_does_not_meet_fills_nothing() -> None:
    order = BlockOrder(Side.BUY, "pro", D(3), COPIES, limit=D(1999))
    block = execute_block(order, THIN, D(2000), TICK, LOT)
    assert block.filled == 0 and block.price == 0
    assert all(a.qty == 0 and a.fee == 0 for a in block.allocations)
