"""A provider's stop-loss and take-profit, mirrored to every copy and fired at a mark,
end to end on each database (docs/domain.md, "The provider's stop-loss and take-profit");
the margin mode an order carries (docs/domain.md "Margin").

The provider holds 10,000 USDT and buys 0.04 BTC at 50,000 (20 % of its equity); a
proportional copy of a 1,000 USDT allocation is then 200 USDT, 0.004 BTC.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, inspect, select

from copytrade.adapters.db.repositories.positions import triggers_in_force
from copytrade.adapters.db.schema import OrderRow, OutboxRow, PositionRow
from copytrade.domain.copying.triggers import PositionTriggers, TriggerError
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ProviderId, RelationshipId
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.values import ZERO
from copytrade.engine.protecting import PROTECTION_FIRED

from .harness import PERP, Harness


def _copying(h: Harness, **settings: Any) -> tuple[ProviderId, RelationshipId]:
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", **settings)
    h.trade(pro, "buy", "0.04")
    return pro, rel


def _held(h: Harness, book: str) -> D:
    with h.platform.uow() as uow:
        held = [p.position.qty for p in uow.positions.for_book(book)]
    return held[0] if held else D(0)


def _closes(h: Harness, rel: RelationshipId) -> list[tuple[str | None, D]]:
    with h.platform.uow() as uow:
        return [(d.reason, d.qty) for d in uow.decisions.for_relationship(rel) if d.leg == "close"]


def _set(h: Harness, stop_loss: str | None = None, take_profit: str | None = None) -> None:
    triggers = PositionTriggers(
        None if stop_loss is None else D(stop_loss), None if take_profit is None else D(take_profit)
    )
    h.platform.provider_triggers.set("pro", PERP.symbol, triggers)


def _notices(h: Harness) -> list[dict[str, Any]]:
    with h.platform.uow() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(OutboxRow.topic == PROTECTION_FIRED))
        return [orjson.loads(r.payload) for r in rows]


def test_the_provider_stop_loss_closes_the_position_and_every_copy(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _, rel = _copying(h)
    _set(h, stop_loss="48000", take_profit="60000")
    assert h.platform.provider_triggers.of("pro") == {
        PERP.symbol: PositionTriggers(D("48000"), D("60000"))
    }
    h.tick(PERP.symbol, "48000.1")  # above the stop: nothing
    assert (_held(h, "pro"), _held(h, str(rel))) == (D("0.04"), D("0.004"))
    h.tick(PERP.symbol, "48000")  # reached: fires for both
    assert (_held(h, "pro"), _held(h, str(rel))) == (0, 0)
    # The copy closed with the provider's reason; the provider's close found it closed.
    assert _closes(h, rel) == [("provider_stop_loss", D("0.004")), ("no_position", D(0))]
    with h.platform.uow() as uow:
        own = [o for o in uow.orders.for_book("pro") if o.reduce_only]
    assert [(o.client_order_id.split("-")[0], o.side, o.qty, o.status) for o in own] == [
        ("pro:provider_stop_loss", "sell", D("0.04"), "filled")
    ]
    told = sorted((n["to"], n["reason"]) for n in _notices(h))
    assert told == [("fol", "provider_stop_loss"), ("pro", "provider_stop_loss")]
    assert h.platform.provider_triggers.of("pro") == {}  # flat: gone with the position


def test_a_moved_then_cancelled_take_profit(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _, rel = _copying(h)
    _set(h, take_profit="55000")
    _set(h, take_profit="56000")  # moved: 55,000 no longer fires
    h.tick(PERP.symbol, "55500")
    assert _held(h, str(rel)) == D("0.004")
    _set(h)  # cancelled
    h.tick(PERP.symbol, "57000")
    assert (_held(h, "pro"), _held(h, str(rel))) == (D("0.04"), D("0.004"))
    _set(h, take_profit="58000")
    h.tick(PERP.symbol, "58500")  # gapped through: fires at the mark
    assert _closes(h, rel)[0] == ("provider_take_profit", D("0.004"))
    assert _held(h, "pro") == 0


def test_the_follower_own_stop_that_comes_first_wins(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _, rel = _copying(h, copy_stop_loss_pct=D(2))  # its own stop at 49,000
    _set(h, stop_loss="48000")
    h.tick(PERP.symbol, "49000")
    assert _closes(h, rel) == [("copy_stop_loss", D("0.004"))]
    assert _held(h, "pro") == D("0.04")  # the provider's stop is not reached
    h.tick(PERP.symbol, "47000")  # the provider's fires; the copy is closed already
    assert _held(h, "pro") == 0
    assert _closes(h, rel) == [("copy_stop_loss", D("0.004")), ("no_position", D(0))]


def test_refused_prices_change_nothing(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _copying(h)
    _set(h, stop_loss="45000")
    with pytest.raises(InvalidValueError, match="stop_loss must be below the mark 50000"):
        _set(h, stop_loss="50000")
    with pytest.raises(InvalidValueError, match="take_profit must be above the mark"):
        _set(h, stop_loss="46000", take_profit="49000")
    with pytest.raises(TriggerError, match="no open position in 'ETH/USDT'"):
        h.platform.provider_triggers.set("pro", "ETH/USDT", PositionTriggers(D(1)))
    assert h.platform.provider_triggers.of("pro") == {PERP.symbol: PositionTriggers(D("45000"))}


def test_a_flip_forgets_the_trigger_prices(db_engine: Engine) -> None:
    h = Harness(db_engine)
    pro, _ = _copying(h)
    _set(h, stop_loss="45000")
    h.trade(pro, "sell", "0.08")  # long 0.04 → short 0.04: a new position
    assert _held(h, "pro") == D("-0.04")
    assert h.platform.provider_triggers.of("pro") == {}
    h.tick(PERP.symbol, "46000")  # a long's stop would not apply to the short
    assert _held(h, "pro") == D("-0.04")


def test_orders_carry_the_margin_mode_their_position_opens_with(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000", margin_mode="cross")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", margin_mode=MarginMode.CROSS)
    iso = h.follow(h.follower("ivy", "1000"), pro, "1000")
    h.trade(pro, "buy", "0.04")
    with h.platform.uow() as uow:
        modes = dict(uow.session.execute(select(OrderRow.book, OrderRow.margin_mode)).all())
        held = {
            book: [p.position.margin_mode for p in uow.positions.for_book(book)]
            for book in ("pro", str(rel), str(iso))
        }
    assert modes == {"pro": "cross", str(rel): "cross", str(iso): "isolated"}
    assert held == {
        "pro": [MarginMode.CROSS], str(rel): [MarginMode.CROSS], str(iso): [MarginMode.ISOLATED]
    }


def test_each_copy_mirrors_the_prices_of_its_own_provider(db_engine: Engine) -> None:
    # The sweep reads the providers' trigger prices once and hands them to the
    # exposures by (provider, symbol): a copy of another provider mirrors nothing.
    h = Harness(db_engine)
    _, rel = _copying(h)
    other = h.provider("other", "10000")
    rel_other = h.follow(h.follower("fol2", "1000"), other, "1000")
    h.trade(other, "buy", "0.04")
    _set(h, stop_loss="48000")
    with h.platform.uow() as uow:
        triggered = uow.positions.triggered()
        mirrored = {(book, held.symbol): held.mirrored for book, held in triggered}
        exposures = uow.relationships.exposures(None, mirrored)
    assert [book for book, _ in triggered] == ["pro"]
    found = {e.relationship_id: [p.mirrored for p in e.positions] for e in exposures}
    assert found == {str(rel): [PositionTriggers(D("48000"))], str(rel_other): [None]}


def test_the_trigger_prices_have_a_partial_index_the_sweep_reads(db_engine: Engine) -> None:
    # Migration 0043 (docs/benchmarks.md, "`copytrade demo`"): not a scan of every
    # position at each moment.
    indexes = {i["name"] for i in inspect(db_engine).get_indexes("positions")}
    assert "ix_positions_triggers" in indexes
    if db_engine.dialect.name == "sqlite":
        in_force = triggers_in_force(PositionRow)
        query = select(PositionRow.book).where(in_force, PositionRow.qty != ZERO)
        sql = str(query.compile(db_engine, compile_kwargs={"literal_binds": True}))
        with db_engine.connect() as connection:
            plan = " ".join(r[3] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert "USING INDEX ix_positions_triggers" in plan
