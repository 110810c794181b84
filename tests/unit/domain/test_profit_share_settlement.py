"""docs/domain.md, Profit share worked examples: settlements along a relationship's life.

Default terms unless a row says otherwise: share 10 %, platform fee 2 % of the
gross share. The HWM starts at a first allocation of 1000 USDT. N is the net
equity (equity less what was owed before), the figure the HWM is compared with.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.profit_share import HighWatermark, ProfitShareTerms, Settlement

TEN_TWO = ProfitShareTerms()

# Steps: ("settle", equity, cash), ("top_up", amount), ("withdraw", w, equity_before, free_cash)
Step = tuple[str, ...]


def run(steps: list[Step], terms: ProfitShareTerms) -> tuple[Settlement, HighWatermark]:
    state = HighWatermark.start(D(1000))
    settlement = None
    for name, *args in steps:
        if name == "settle":
            settlement, state = state.settle(D(args[0]), D(args[1]), terms)
        elif name == "top_up":
            state = state.top_up(D(args[0]))
        else:
            state = state.withdraw(D(args[0]), D(args[1]), D(args[2]))
    assert settlement is not None
    return settlement, state


S = "settle"
EXAMPLES = [
    # id, steps, terms, (gross, platform_fee, provider_credit, debit, owed_after, hwm_after)
    # Plain gain: gross = (1200 - 1000) × 10 % = 20; fee = 20 × 2 % = 0.4; credit 19.6;
    # new HWM = 1200 - 20 = 1180.
    ("plain gain", [(S, "1200", "1200")], TEN_TWO, ("20", "0.4", "19.6", "20", "0", "1180")),
    # Loss: 900 <= 1000, nothing owed, HWM stays.
    ("loss", [(S, "900", "900")], TEN_TWO, ("0", "0", "0", "0", "0", "1000")),
    # Loss then recovery to 980, still below the HWM 1000: nothing.
    (
        "recovery below hwm",
        [(S, "900", "900"), (S, "980", "980")],
        TEN_TWO,
        ("0", "0", "0", "0", "0", "1000"),
    ),
    # Loss then recovery to 1100: only the new part, (1100 - 1000) × 10 % = 10; fee 0.2;
    # HWM 1100 - 10 = 1090.
    (
        "recovery above hwm",
        [(S, "900", "900"), (S, "1100", "1100")],
        TEN_TWO,
        ("10", "0.2", "9.8", "10", "0", "1090"),
    ),
    # Settle again at the equity after the debit (1200 - 20 = 1180 = HWM): no new charge.
    (
        "same gain not charged twice",
        [(S, "1200", "1200"), (S, "1180", "1180")],
        TEN_TWO,
        ("0", "0", "0", "0", "0", "1180"),
    ),
    # Further gain 1180 -> 1280: (1280 - 1180) × 10 % = 10; HWM 1270.
    (
        "second gain",
        [(S, "1200", "1200"), (S, "1280", "1280")],
        TEN_TWO,
        ("10", "0.2", "9.8", "10", "0", "1270"),
    ),
    # Top-up 500 raises the HWM to 1500; equity 1500 is no gain.
    ("top-up", [("top_up", "500"), (S, "1500", "1500")], TEN_TWO, ("0",) * 5 + ("1500",)),
    # Top-up then gain to 1600: (1600 - 1500) × 10 % = 10; HWM 1590.
    (
        "top-up then gain",
        [("top_up", "500"), (S, "1600", "1600")],
        TEN_TWO,
        ("10", "0.2", "9.8", "10", "0", "1590"),
    ),
    # Up 25 % to 1250, withdraw 250: HWM = 1000 × (1 - 250/1250) = 800, equity 1000;
    # the remaining gain is still 25 %: (1000 - 800) × 10 % = 20; HWM 980.
    (
        "withdrawal scales hwm",
        [("withdraw", "250", "1250", "1250"), (S, "1000", "1000")],
        TEN_TWO,
        ("20", "0.4", "19.6", "20", "0", "980"),
    ),
    # Down 20 % to 800, withdraw half: HWM = 1000 × (1 - 400/800) = 500, equity 400.
    # A 25 % recovery (to 500) only wins back the loss: nothing.
    (
        "withdrawal under water",
        [("withdraw", "400", "800", "800"), (S, "500", "500")],
        TEN_TWO,
        ("0", "0", "0", "0", "0", "500"),
    ),
    # Cash 50 cannot cover gross (2000 - 1000) × 10 % = 100: debit 50 (fee 1, credit 49),
    # owed 50; HWM = 2000 - 100 = 1900 (net of the full gross).
    (
        "cash short: owed carried",
        [(S, "2000", "50")],
        TEN_TWO,
        ("100", "1", "49", "50", "50", "1900"),
    ),
    # Next time equity 1950 (2000 less the 50 debited), cash 1000: N = 1950 - 50 = 1900
    # = HWM, no new gross; the owed 50 is collected (fee 1, credit 49).
    (
        "owed collected, no new gain",
        [(S, "2000", "50"), (S, "1950", "1000")],
        TEN_TWO,
        ("0", "1", "49", "50", "0", "1900"),
    ),
    # Equity 2150: N = 2100, gross = (2100 - 1900) × 10 % = 20; due 50 + 20 = 70, all
    # debited: fee = 70 × 2 % = 1.4, credit 68.6; HWM 2100 - 20 = 2080.
    (
        "owed collected first, then new gross",
        [(S, "2000", "50"), (S, "2150", "1000")],
        TEN_TWO,
        ("20", "1.4", "68.6", "70", "0", "2080"),
    ),
    # Same with cash 60: debit 60 (fee 1.2, credit 58.8), 10 still owed.
    (
        "owed partly collected",
        [(S, "2000", "50"), (S, "2150", "60")],
        TEN_TWO,
        ("20", "1.2", "58.8", "60", "10", "2080"),
    ),
    # Negative cash (perp losses on margin): nothing can leave, all 20 owed.
    ("negative cash", [(S, "1200", "-10")], TEN_TWO, ("20", "0", "0", "0", "20", "1180")),
    # gross = 0.12345678 × 10 % = 0.012345678 -> 0.01234567 (down);
    # fee = 0.01234567 × 2 % = 0.0002469134 -> 0.00024691; credit = 0.01209876;
    # HWM = 1000.12345678 - 0.01234567 = 1000.11111111.
    (
        "rounding down",
        [(S, "1000.12345678", "1000.12345678")],
        TEN_TWO,
        ("0.01234567", "0.00024691", "0.01209876", "0.01234567", "0", "1000.11111111"),
    ),
    # Marked equity beyond 8 decimals: gross = 100.123456789 × 10 % -> 10.01234567;
    # fee = 0.2002469134 -> 0.20024691; HWM = 1100.123456789 - 10.01234567
    # = 1090.111111119 -> rounded up 1090.11111112.
    (
        "marked equity, hwm rounded up",
        [(S, "1100.123456789", "1100")],
        TEN_TWO,
        ("10.01234567", "0.20024691", "9.81209876", "10.01234567", "0", "1090.11111112"),
    ),
    # 0.00000003 × 30 % = 0.000000009 -> 0: a sub-unit gain is forgiven, HWM moves up.
    (
        "sub-unit gain",
        [(S, "1000.00000003", "1000.00000003")],
        ProfitShareTerms(share_pct=D(30)),
        ("0", "0", "0", "0", "0", "1000.00000003"),
    ),
    # 30 % share, no platform fee: (1500 - 1000) × 30 % = 150 all to the provider.
    (
        "max share, no fee",
        [(S, "1500", "1500")],
        ProfitShareTerms(share_pct=D(30), platform_fee_pct=D(0)),
        ("150", "0", "150", "150", "0", "1350"),
    ),
    # 0 % share: nothing charged, but the HWM still follows the new high.
    (
        "zero share",
        [(S, "1500", "1500")],
        ProfitShareTerms(share_pct=D(0)),
        ("0", "0", "0", "0", "0", "1500"),
    ),
]


@pytest.mark.parametrize(
    ("steps", "terms", "expected"), [row[1:] for row in EXAMPLES], ids=[row[0] for row in EXAMPLES]
)
def test_worked_example(
    steps: list[Step], terms: ProfitShareTerms, expected: tuple[str, ...]
) -> None:
    settlement, state = run(steps, terms)
    got = (
        settlement.gross,
        settlement.platform_fee,
        settlement.provider_credit,
        settlement.debit,
        settlement.owed_after,
        settlement.hwm_after,
    )
    assert got == tuple(D(value) for value in expected)
    assert (state.hwm, state.owed) == (settlement.hwm_after, settlement.owed_after)


def test_settlement_reports_what_spec_section_9_lists() -> None:
    settlement, _ = run([(S, "2000", "50")], TEN_TWO)
    assert settlement.equity == D(2000)
    assert settlement.hwm_before == D(1000)
    assert settlement.owed_before == D(0)
    assert settlement.net_equity == D(2000)


def test_settle_refuses_float_equity() -> None:
    with pytest.raises(ValueError, match="copy equity at settlement"):
        HighWatermark.start(D(1000)).settle(1200.0, D(1200), TEN_TWO)  # type: ignore[arg-type]
