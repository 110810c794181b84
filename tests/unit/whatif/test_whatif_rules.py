"""The what-if's own rules (docs/whatif.md): what it accepts, the replay's order at one
time, and the slippage sign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.repositories.recorded import FundingTime, SettlementRun
from copytrade.cli.whatif import parse_moment
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, FillId, OrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.values import Price, Quantity
from copytrade.engine.messages import ProviderFilled
from copytrade.whatif.history import ProviderRecord, scheduled_runs
from copytrade.whatif.replay import timeline
from copytrade.whatif.report import _decision
from copytrade.whatif.request import MAX_WINDOW, WhatIfError, WhatIfRequest, check_window

T0 = datetime(2026, 1, 5, tzinfo=UTC)
PROPORTIONAL = CopySettings(SizingMode.PROPORTIONAL)


def _fill(number: int, at: datetime) -> ProviderFilled:
    fill = Fill(
        fill_id=FillId(f"f{number}"), order_id=OrderId(f"o{number}"), client_order_id=None,
        account=AccountId("pro"), symbol="BTC/USDT:USDT", side=Side.BUY, qty=Quantity(D(1)),
        price=Price(D(40000)), fee=D(0), liquidity=Liquidity.TAKER, ts=at,
    )  # fmt: skip
    return ProviderFilled(ProviderId("pro"), fill, D(1), D(0), D(100000), D(1))


def test_a_request_takes_aware_times_a_positive_allocation_and_no_open_positions() -> None:
    east = timezone(timedelta(hours=2))
    request = WhatIfRequest("pro", datetime(2026, 1, 5, 2, tzinfo=east), D("1000"), PROPORTIONAL)
    assert request.start == T0 and request.start.tzinfo is UTC
    with pytest.raises(InvalidValueError, match="timezone-aware"):
        WhatIfRequest("pro", datetime(2026, 1, 5), D(1000), PROPORTIONAL)
    with pytest.raises(WhatIfError, match="greater than 0"):
        WhatIfRequest("pro", T0, D(0), PROPORTIONAL)
    with pytest.raises(WhatIfError, match="before the start"):
        WhatIfRequest("pro", T0, D(1), PROPORTIONAL, until=T0 - timedelta(seconds=1))
    with pytest.raises(WhatIfError, match="copy_open_positions"):
        WhatIfRequest("pro", T0, D(1), CopySettings(SizingMode.PROPORTIONAL,
                                                    copy_open_positions=True))  # fmt: skip


def test_the_cli_reads_a_date_as_midnight_utc_and_an_iso_time_as_given() -> None:
    assert parse_moment("2026-01-05", "--from") == T0
    assert parse_moment("2026-01-05T03:00:00Z", "--from") == T0 + timedelta(hours=3)
    with pytest.raises(WhatIfError, match="--from is not a date"):
        parse_moment("5 Jan", "--from")


def test_at_one_time_prices_come_first_then_funding_then_fills_then_settlements() -> None:
    later = T0 + timedelta(hours=1)
    first, second = _fill(1, later), _fill(2, later)
    run = SettlementRun("week:2026-01-12", later)
    funding = FundingTime("BTC/USDT:USDT", D("0.0001"), later)
    history = ProviderRecord(
        terms=ProviderTerms("pro", D(10)), name="Pro", opening_prices={},
        moments=[(T0, {"BTC/USDT:USDT": D(1)}), (later, {"BTC/USDT:USDT": D(2)})],
        fills=[first, second], settlements=[run], funding=(funding,),
    )  # fmt: skip
    assert timeline(history) == [
        (T0, {"BTC/USDT:USDT": D(1)}), (later, {"BTC/USDT:USDT": D(2)}), funding, first,
        second, run,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("side", "fill_price", "expected"),
    [
        ("buy", D("40040"), D("10.00")),  # paid 40 more than the provider: 10 bp adverse
        ("buy", D("39960"), D("-10.00")),  # paid less: favourable, negative
        ("sell", D("39960"), D("10.00")),  # sold 40 lower: adverse
        ("sell", D("40001"), D("-0.25")),
    ],
)
def test_slippage_is_in_basis_points_adverse_positive(
    side: str, fill_price: D, expected: D
) -> None:
    decision = {
        "provider_fill": "f1", "leg": "open", "symbol": "BTC/USDT:USDT", "action": "placed",
        "reason": None, "qty": D("0.1"), "notional": D(4000), "price": D(40000),
        "order": "c1", "at": T0,
    }  # fmt: skip
    orders = {"c1": {"price": fill_price, "filled_qty": D("0.1"), "side": side}}
    row = _decision(decision, orders, {"f1": D(40000)})
    assert row["slippage_bps"] == expected
    assert row["provider_price"] == D(40000) and row["fill_price"] == fill_price


def test_a_skipped_copy_has_no_fill_and_no_slippage() -> None:
    decision = {
        "provider_fill": "f1", "leg": "open", "symbol": "BTC/USDT:USDT", "action": "skipped",
        "reason": "slippage", "qty": D(0), "notional": D(0), "price": D(41000), "order": None,
        "at": T0,
    }  # fmt: skip
    row = _decision(decision, {}, {"f1": D(40000)})
    assert row["fill_price"] is None and row["slippage_bps"] is None
    assert row["reason"] == "slippage"


def test_without_recorded_runs_a_provider_settles_at_each_of_its_period_ends() -> None:
    # 2026-01-05 is a Monday: weekly ends on the 12th and 19th; the month ends on Feb 1st.
    weekly = scheduled_runs("weekly", T0, datetime(2026, 2, 2, tzinfo=UTC))
    assert [(r.period, r.at.date().isoformat()) for r in weekly] == [
        ("2026-W02", "2026-01-12"), ("2026-W03", "2026-01-19"), ("2026-W04", "2026-01-26"),
        ("2026-W05", "2026-02-02"),
    ]  # fmt: skip
    monthly = scheduled_runs("monthly", T0, datetime(2026, 2, 2, tzinfo=UTC))
    assert [(r.period, r.at.date().isoformat()) for r in monthly] == [("2026-01", "2026-02-01")]
    assert scheduled_runs("weekly", T0, T0) == []  # the start itself is not in the window


def test_a_window_longer_than_the_cap_is_refused_at_the_request() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    settings = CopySettings(SizingMode.PROPORTIONAL)
    assert WhatIfRequest("pro", start, D(1), settings, start + MAX_WINDOW).until is not None
    with pytest.raises(WhatIfError, match="at most 366 days; from 2026-01-05 until 2027-01-07"):
        WhatIfRequest("pro", start, D(1), settings, start + MAX_WINDOW + timedelta(days=1))
    with pytest.raises(WhatIfError, match="give an until"):
        check_window(start, start + MAX_WINDOW + timedelta(seconds=1), asked=False)
