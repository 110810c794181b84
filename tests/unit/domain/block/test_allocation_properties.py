"""Properties of block allocation (docs/domain.md "Block execution"): the shares sum to
the block, every share is at the same price, rounding creates and loses nothing."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.block.allocation import allocate
from copytrade.domain.block.apportion import apportion
from copytrade.domain.block.execution import BlockOrder, average, execute_block, execute_in_turn
from copytrade.domain.depth import BookDepth
from copytrade.domain.instruments import Side

LOT = Decimal("0.001")
TICK = Decimal("0.01")
CENT = Decimal("0.01")

lots = st.integers(1, 50_000).map(lambda n: n * LOT)
wanted_maps = st.dictionaries(
    st.text("abcdefghij", min_size=1, max_size=4), lots, min_size=1, max_size=30
)
prices = st.integers(1, 10_000_000).map(lambda n: n * TICK)


@given(wanted=wanted_maps, data=st.data())
def test_quantities_sum_to_the_fill_and_stay_within_what_each_wanted(
    wanted: dict[str, Decimal], data: st.DataObject
) -> None:
    whole = sum(wanted.values())
    filled = data.draw(st.integers(0, int(whole / LOT))) * LOT
    shares = apportion(filled, wanted, LOT, caps=wanted)
    assert sum(shares.values()) == filled
    assert all(Decimal(0) <= shares[k] <= wanted[k] for k in wanted)
    assert all(share % LOT == 0 for share in shares.values())


@given(wanted=wanted_maps, data=st.data())
def test_pro_rata_within_one_lot(wanted: dict[str, Decimal], data: st.DataObject) -> None:
    whole = sum(wanted.values())
    filled = data.draw(st.integers(0, int(whole / LOT))) * LOT
    shares = apportion(filled, wanted, LOT, caps=wanted)
    for key, qty in wanted.items():
        assert abs(shares[key] - filled * qty / whole) < LOT


@given(wanted=wanted_maps, data=st.data())
def test_the_result_does_not_depend_on_the_order_given(
    wanted: dict[str, Decimal], data: st.DataObject
) -> None:
    whole = sum(wanted.values())
    filled = data.draw(st.integers(0, int(whole / LOT))) * LOT
    reversed_order = dict(reversed(list(wanted.items())))
    assert apportion(filled, wanted, LOT, caps=wanted) == apportion(
        filled, reversed_order, LOT, caps=reversed_order
    )


@given(
    wanted=wanted_maps,
    parts=st.lists(st.tuples(lots, prices), min_size=1, max_size=8),
    fee_cents=st.integers(0, 1_000_000),
)
def test_one_price_for_all_and_nothing_created_or_lost(
    wanted: dict[str, Decimal], parts: list[tuple[Decimal, Decimal]], fee_cents: int
) -> None:
    whole = sum(wanted.values(), Decimal(0))
    filled = sum((qty for qty, _ in parts), Decimal(0))
    if filled > whole:  # the venue never fills more than the block asked
        parts = [(whole, parts[0][1])]
        filled = whole
    fee = fee_cents * CENT
    block = allocate(parts, wanted, TICK, LOT, fee, CENT)
    assert {a.price for a in block.allocations} == {block.price}
    assert block.price % TICK == 0
    assert sum(a.qty for a in block.allocations) == block.filled == filled
    assert sum(a.fee for a in block.allocations) == fee
    # the tick rounding is the platform's: allocated notional + rounding = venue notional
    assert sum(a.notional for a in block.allocations) + block.rounding == block.venue_notional
    assert abs(block.rounding) <= filled * TICK / 2


@given(
    provider=lots,
    copies=st.dictionaries(st.text("rst", min_size=1, max_size=3), lots, max_size=20),
    side=st.sampled_from([Side.BUY, Side.SELL]),
    level=st.integers(1, 2000).map(lambda n: n * LOT),
    levels=st.integers(1, 30),
)
def test_a_block_on_a_thin_book_gives_everyone_the_same_price(
    provider: Decimal, copies: dict[str, Decimal], side: Side, level: Decimal, levels: int
) -> None:
    depth = BookDepth(level, Decimal(1), levels)
    order = BlockOrder(side, "pro", provider, copies)
    block = execute_block(order, depth, Decimal(5000), TICK, LOT)
    asked = provider + sum(copies.values())
    assert block.filled == min(asked, depth.total)
    assert sum(a.qty for a in block.allocations) == block.filled
    assert len({a.price for a in block.allocations}) == 1


@given(
    provider=lots,
    copies=st.dictionaries(st.text("rst", min_size=1, max_size=3), lots, min_size=1, max_size=20),
    side=st.sampled_from([Side.BUY, Side.SELL]),
    level=st.integers(1, 2000).map(lambda n: n * LOT),
)
def test_the_provider_never_does_better_in_a_block_than_its_followers(
    provider: Decimal, copies: dict[str, Decimal], side: Side, level: Decimal
) -> None:
    """In turn the provider takes the best levels; in the block it pays their average,
    which for a buy is never below its own in-turn average (for a sell never above)."""
    depth = BookDepth(level, Decimal(1), 1000)
    order = BlockOrder(side, "pro", provider, copies)
    alone = average(execute_in_turn(order, depth, Decimal(5000))["pro"])
    block = execute_block(order, depth, Decimal(5000), Decimal("0.000001"), LOT)
    exact = block.venue_notional / block.filled
    assert (exact >= alone) if side is Side.BUY else (exact <= alone)
    low = min(price for _, price in block.parts)
    high = max(price for _, price in block.parts)
    assert low <= block.price <= high
