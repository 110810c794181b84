"""The follower's own protections on marks, end to end on each database (docs/domain.md,
"Follower protections"), and an edit of the settings mid-way ("Editing copy settings").

The provider holds 10,000 USDT and buys 0.04 BTC at 50,000 (20 % of its equity); a
proportional copy of a 1,000 USDT allocation is then 200 USDT, 0.004 BTC.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import OutboxRow, RelationshipRow
from copytrade.bootstrap import build_platform
from copytrade.domain.copying import RelationshipStatus, SizingMode, StopReason
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ProviderId, RelationshipId
from copytrade.engine.protecting import PROTECTION_FIRED
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.following.actions import CopyActionError

from .harness import PERP, START, Harness
from .test_stops_finish import assert_stopped_settled_and_released


def _copying(h: Harness, **settings: Any) -> RelationshipId:
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fol", "1000"), pro, "1000", **settings)
    h.trade(pro, "buy", "0.04")
    return rel


def _held(h: Harness, rel: RelationshipId) -> D:
    with h.platform.uow() as uow:
        held = [p.position.qty for p in uow.positions.for_book(str(rel))
                if p.position.instrument.symbol == PERP.symbol]
    return held[0] if held else D(0)


def _decisions(h: Harness, rel: RelationshipId) -> list[tuple[str, str | None, D]]:
    with h.platform.uow() as uow:
        return [(d.leg, d.reason, d.qty) for d in uow.decisions.for_relationship(rel)]


def _notices(h: Harness) -> list[dict[str, Any]]:
    with h.platform.uow() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(OutboxRow.topic == PROTECTION_FIRED))
        return [orjson.loads(r.payload) for r in rows]


def test_a_copy_stop_loss_closes_that_copy_and_keeps_copying(db_engine: Engine) -> None:
    h = Harness(db_engine)
    rel = _copying(h, copy_stop_loss_pct=D(5))
    assert _held(h, rel) == D("0.004")
    h.tick(PERP.symbol, "47600")  # −4.8 %: not yet
    assert _held(h, rel) == D("0.004")
    h.tick(PERP.symbol, "47500")  # −5 % of the entry: fires
    assert _held(h, rel) == 0
    assert _decisions(h, rel)[-1] == ("close", "copy_stop_loss", D("0.004"))
    [notice] = _notices(h)
    assert (notice["reason"], notice["symbols"], notice["to"]) == (
        "copy_stop_loss", [PERP.symbol], "fol"
    )
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.status is RelationshipStatus.ACTIVE
    h.trade(ProviderId("pro"), "sell", "0.04")
    assert _decisions(h, rel)[-1][:2] == ("close", "no_position")


def test_a_relationship_take_profit_closes_everything_and_stops(db_engine: Engine) -> None:
    h = Harness(db_engine)
    rel = _copying(h, take_profit_pct=D(10))
    h.tick(PERP.symbol, "70000")  # 0.004 × 20,000 = +80, less the fee: under +10 %
    assert _held(h, rel) == D("0.004")
    h.tick(PERP.symbol, "76000")  # +104 less 0.1 fee: equity ≥ 1,100
    assert _held(h, rel) == 0
    assert _decisions(h, rel)[-1] == ("close", "take_profit", D("0.004"))
    assert_stopped_settled_and_released(h, rel, StopReason.TAKE_PROFIT.value)
    assert [n["reason"] for n in _notices(h)] == ["take_profit"]


def test_a_trailing_stop_follows_the_best_equity(db_engine: Engine) -> None:
    h = Harness(db_engine)
    # Multiplier 4: 800 USDT, 0.016 BTC; the fee is 0.4.
    rel = _copying(h, mode=SizingMode.MULTIPLIER, multiplier=D(4), trailing_stop_pct=D(5))
    h.tick(PERP.symbol, "55000")  # equity 999.6 + 80 = 1,079.6: the peak
    with h.platform.uow() as uow:
        row = uow.session.get(RelationshipRow, str(rel))
        assert row is not None and (row.peak_equity, row.peak_net_allocated) == (
            D("1079.6"), D("1000")
        )
    h.tick(PERP.symbol, "52000")  # 1,031.6 > 1,079.6 × 0.95 = 1,025.62
    assert _held(h, rel) == D("0.016")
    h.tick(PERP.symbol, "51600")  # 1,025.2: fires
    assert _held(h, rel) == 0
    assert_stopped_settled_and_released(h, rel, StopReason.TRAILING_STOP.value)


def test_a_settings_edit_applies_from_the_next_copy(db_engine: Engine) -> None:
    h = Harness(db_engine)
    rel = _copying(h)
    edited = h.platform.actions.edit_settings(
        rel, {"mode": SizingMode.MULTIPLIER, "multiplier": D(2)}
    )
    assert edited.settings.multiplier == D(2)
    h.trade(ProviderId("pro"), "buy", "0.02")
    # The open copy kept its 0.004; the next copy is 10 % × 2 of ~1,000: 0.004 more.
    assert _held(h, rel) == D("0.008")
    with h.platform.uow() as uow:
        [change], total = uow.settings_changes.of_relationship(str(rel))
        assert total == 1 and change.changes == {
            "mode": {"old": "proportional", "new": "multiplier"},
            "multiplier": {"old": "1", "new": "2"},
        }
        assert uow.relationships.get(rel).settings.multiplier == D(2)
    # Refused like a follow's settings, and once stopped, not at all; nothing recorded.
    with pytest.raises(InvalidValueError, match="multiplier must be at most 10"):
        h.platform.actions.edit_settings(rel, {"multiplier": D(20)})
    h.platform.actions.stop(rel)
    with pytest.raises(CopyActionError, match="stopped"):
        h.platform.actions.edit_settings(rel, {"multiplier": D(3)})
    with h.platform.uow() as uow:
        assert uow.settings_changes.of_relationship(str(rel))[1] == 1


def test_the_cap_on_one_symbol_counts_every_relationship_of_the_follower(
    db_engine: Engine,
) -> None:
    """Cap 305 USDT in BTC: the first copy (200) fits, the second is capped to the 105
    left, the third has no room (docs/domain.md, "Limits across providers")."""
    clock = SimulatedClock(START)
    platform = build_platform(db_engine, [PERP], clock, max_symbol_exposure=D(305))
    h = Harness.over(platform, clock)
    h.tick(PERP.symbol, "50000")
    fol = h.follower("fol", "3000")
    rels = []
    for name in ("pro", "pro2", "pro3"):
        rels.append(h.follow(fol, h.provider(name, "10000"), "1000"))
    for name in ("pro", "pro2", "pro3"):
        h.trade(ProviderId(name), "buy", "0.04")
    assert [_held(h, rel) for rel in rels] == [D("0.004"), D("0.002"), D(0)]
    with h.platform.uow() as uow:
        last = [uow.decisions.for_relationship(rel)[-1] for rel in rels]
    assert [(d.action, d.reason) for d in last] == [
        ("placed", None), ("capped", "symbol_exposure"), ("skipped", "symbol_exposure")
    ]
