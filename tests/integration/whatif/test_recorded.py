"""What a what-if reads (docs/whatif.md, "What is recorded"), on SQLite and PostgreSQL:
every applied moment's prices, the provider's fill announcements, its settlement runs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork

from ..engine.harness import PERP, SPOT, START, Harness


def test_prices_fills_and_settlement_runs_are_read_back_in_order(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.engine.on_prices({PERP.symbol: D(40000), SPOT.symbol: D(3000)}, START)
    pro = h.provider("pro", "10000")
    other = h.provider("other", "10000")
    rel = h.follow(h.follower("fay", "5000"), pro, "1000")
    h.tick(PERP.symbol, "40100")
    h.trade(pro, "buy", "0.1")
    h.trade(other, "buy", "0.1")
    h.tick(PERP.symbol, "41000", minutes=30)
    h.trade(pro, "sell", "0.1")
    h.platform.settlements.settle_all("week:2026-01-12")
    h.platform.actions.stop(rel)  # settles at the stop: not a periodic run
    with SqlUnitOfWork(make_session_factory(db_engine)) as uow:
        moments = uow.price_marks.moments({PERP.symbol, SPOT.symbol}, START)
        assert moments[0] == (START, {PERP.symbol: D(40000), SPOT.symbol: D(3000)})
        assert [m[1] for m in moments[1:]] == [{PERP.symbol: D(40100)}, {PERP.symbol: D(41000)}]
        later = START + timedelta(minutes=2)
        assert uow.price_marks.latest_before({PERP.symbol, SPOT.symbol}, later) == {
            PERP.symbol: D(40100), SPOT.symbol: D(3000)
        }
        fills = uow.recorded.provider_fills("pro", START)
        assert [(f["side"], D(f["qty"])) for f in fills] == [("buy", D("0.1")), ("sell", D("0.1"))]
        assert D(fills[0]["equity_before"]) == D(10000)
        assert {f["provider"] for f in fills} == {"pro"}  # not the other provider's
        assert uow.recorded.provider_fills("pro", START + timedelta(days=1)) == []
        runs = uow.recorded.settlement_runs("pro", START)
        assert [run.period for run in runs] == ["week:2026-01-12"]
        # A shared, depleting book (docs/whatif.md): the moments' times, the taker fills
        # in stream order with the relationship and provider fill of their orders, and
        # the provider's market-order fills.
        assert uow.price_marks.times_before({PERP.symbol, SPOT.symbol}, later) == {
            PERP.symbol: START + timedelta(minutes=1), SPOT.symbol: START
        }
        takers = uow.recorded.taker_fills({PERP.symbol}, START)
        assert [t.seq for t in takers] == sorted(t.seq for t in takers)
        pro_fills = [f["fill_id"] for f in fills]
        copies = [(t.relationship, t.copy_of, t.side.value) for t in takers if t.relationship]
        assert copies == [(str(rel), pro_fills[0], "buy"), (str(rel), pro_fills[1], "sell")]
        assert len(takers) == 5  # pro's two, the other provider's one, fay's two copies
        assert uow.recorded.taker_fills({SPOT.symbol}, START) == []
        assert uow.recorded.market_order_fills("pro", START) == set(pro_fills)
