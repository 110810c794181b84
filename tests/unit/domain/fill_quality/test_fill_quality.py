"""Fill quality on a hand-computed example (docs/statistics.md, "Fill quality")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrade.domain.fill_quality import (
    CopyFill,
    GapInputs,
    LegRecord,
    ProviderFill,
    copy_quality,
    kept_share,
    legs_of,
    median,
    slippage_bps,
    summarize,
    tracking_gap,
)
from copytrade.domain.instruments import Side

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BUY, SELL = Side.BUY, Side.SELL


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# Provider equity 10,000, allocation 1,000: k = 0.1. End prices X 130, Y 22.
F1 = ProviderFill("f1", "X", BUY, D(10), D(100), D(1), _at(0))
F2 = ProviderFill("f2", "X", SELL, D(10), D(110), D("1.1"), _at(60))
F3 = ProviderFill("f3", "Y", BUY, D(5), D(20), D("0.1"), _at(120))
F4 = ProviderFill("f4", "X", BUY, D(3), D(120), D("0.36"), _at(180))
LEGS = [
    # bought 1 at 100.5, 2 s later: (100.5 − 100) / 100 = +50 bps
    LegRecord(
        "r",
        F1,
        "open",
        D(10),
        "placed",
        None,
        (CopyFill(BUY, D(1), D("100.5"), D("0.1005"), _at(2)),),
    ),
    # sold 1 at 109.89 in two parts, the last 1.5 s later: −(109.89 − 110) / 110 = +10 bps
    LegRecord(
        "r",
        F2,
        "close",
        D(10),
        "placed",
        None,
        (
            CopyFill(SELL, D("0.5"), D("109.89"), D("0.054945"), _at(61)),
            CopyFill(SELL, D("0.5"), D("109.89"), D("0.054945"), _at(61.5)),
        ),
    ),
    LegRecord("r", F3, "open", D(5), "skipped", "slippage"),
    # 0.2 where k × 3 = 0.3: rounded down to the lot; same price, 0 bps, no delay
    LegRecord(
        "r",
        F4,
        "open",
        D(3),
        "capped",
        "max_per_trade",
        (CopyFill(BUY, D("0.2"), D(120), D("0.024"), _at(180)),),
    ),
]
END = {"X": D(130), "Y": D(22)}


def test_each_copy() -> None:
    got = [copy_quality(leg) for leg in LEGS]
    assert [q.slippage_bps for q in got] == [D(50), D(10), None, D(0)]
    assert [q.delay_s for q in got] == [D(2), D("1.5"), None, D(0)]
    assert [q.copy_price for q in got] == [D("100.5"), D("109.89"), None, D(120)]
    assert got[2].reason == "slippage" and got[2].copy_qty == 0
    # a sell filled dearer than the provider's is favourable: negative
    assert slippage_bps(SELL, D(100), D("100.2")) == D(-20)


def test_summary() -> None:
    s = summarize([copy_quality(leg) for leg in LEGS])
    assert (s.legs, s.filled) == (4, 3)
    assert s.actions == {"capped": 1, "placed": 2, "skipped": 1}
    assert s.skipped_pct == {"slippage": D(25)}
    assert s.capped_pct == {"max_per_trade": D(25)}
    # slippage 0, 10, 50: mean 20, median 10; nearest rank p10 = 1st, p90 = ⌈2.7⌉ = 3rd
    assert (s.slippage_bps.mean, s.slippage_bps.median) == (D(20), D(10))
    assert (s.slippage_bps.p10, s.slippage_bps.p90) == (D(0), D(50))
    # delays 0, 1.5, 2: mean 3.5 / 3
    assert s.delay_s.mean == D("1.1667") and s.delay_s.median == D("1.5")
    # buckets <−10, [−10, −1), [−1, 1), [1, 10), [10, 50), ≥ 50
    assert s.histogram == (0, 0, 1, 0, 1, 1)
    assert median([D(1), D(4)]) == D("2.5") and median([]) is None


def test_tracking_gap_parts_sum_to_the_gap() -> None:
    gap = tracking_gap(
        GapInputs(
            allocation=D(1000),
            provider_equity=D(10000),
            provider_fees=D("2.56"),
            profit_share=D(2),
            legs=LEGS,
            unlinked=(),
            end_prices=END,
        )
    )
    assert gap is not None
    # provider: 10·30 − 10·20 + 5·2 + 3·10 = 140, less fees 2.56, over 10,000
    assert gap.provider_return == D("0.013744")
    # copy: 1·29.5 − 1·20.11 + 0.2·10 = 11.39, less fees 0.23439 and profit share 2, / 1,000
    assert gap.copy_return == D("0.00915561")
    assert gap.gap == D("0.00458839")
    assert gap.fees == D("-0.00002161")  # (0.23439 − 0.1 × 2.56) / 1000: cheaper than k × F_P
    assert gap.profit_share == D("0.002")
    assert gap.slippage == D("0.00061")  # (0.5 + 0.11) / 1000
    assert gap.sizing == D("0.001")  # (0.1 × 3 − 0.2) × 10 / 1000
    assert gap.skipped == D("0.001")  # 0.1 × 5 × 2 / 1000
    assert gap.other == 0
    assert sum(gap.parts().values()) == gap.gap
    assert kept_share(gap.copy_return, gap.provider_return) == D("66.6153")


def test_unlinked_fills_are_other() -> None:
    stop = ("X", CopyFill(SELL, D("0.2"), D(125), D("0.025"), _at(300)))
    gap = tracking_gap(GapInputs(D(1000), D(10000), D("2.56"), D(2), LEGS, (stop,), END))
    assert gap is not None
    # the stop sold 0.2 at 125, 5 below the end price: −0.2 × 5 = −1 made → other +0.001
    assert gap.other == D("0.001")
    assert sum(gap.parts().values()) == gap.gap
    assert gap.copy_return == D("0.00915561") - D("0.001") - D("0.000025")
    assert tracking_gap(GapInputs(D(0), D(1), D(0), D(0), (), (), {})) is None
    assert kept_share(D("0.01"), D(0)) is None


def test_legs_of_splits_a_flip() -> None:
    flip = ProviderFill("f5", "X", SELL, D(15), D(100), D(0), _at(0))
    got = [(f.fill_id, c, o) for f, c, o in legs_of([F1, flip, F3])]
    assert got == [("f1", 0, 10), ("f5", 10, 5), ("f3", 0, 5)]


prices = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=D(50), places=3)


@settings(max_examples=60, deadline=None)
@given(
    legs=st.lists(
        st.tuples(st.sampled_from([BUY, SELL]), quantities, prices, quantities, prices,
                  st.booleans()),
        min_size=1, max_size=6,
    ),
    equity=st.decimals(min_value=D(7), max_value=D(10**7), places=2),
    allocation=st.decimals(min_value=D(3), max_value=D(10**6), places=2),
    end=prices,
)  # fmt: skip
def test_the_parts_always_sum_to_the_gap(
    legs: list[tuple[Side, D, D, D, D, bool]], equity: D, allocation: D, end: D
) -> None:
    records = []
    for i, (side, qty, price, copy_qty, copy_price, skipped) in enumerate(legs):
        fill = ProviderFill(f"f{i}", "X", side, qty, price, qty * price / 1000, _at(i))
        copies = () if skipped else (CopyFill(side, copy_qty, copy_price, D("0.013"), _at(i)),)
        records.append(LegRecord("r", fill, "open", qty, "placed", None, copies))
    fees = sum((r.provider_fill.fee for r in records), D(0))
    gap = tracking_gap(GapInputs(allocation, equity, fees, D("1.7"), records, (), {"X": end}))
    assert gap is not None
    assert gap.provider_return - gap.copy_return == gap.gap == sum(gap.parts().values())
