"""A block is exactly-once across real crashes (docs/engine.md "Block execution"): the
engine is SIGKILLed at each step of a block, restarted and recovered; every follower has
one copy, placed once at the venue in the provider's block, at the provider's price,
and the provider's fill is booked once and copied by no fan-out again."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from copytrade.adapters.db.schema import FillRow, PaperOrderRow
from copytrade.adapters.venues.paper.block import block_fill_id
from copytrade.domain.ids import ClientOrderId, RelationshipId

from .block_crash_child import STEPS
from .crash_scenario import (
    FOLLOWERS,
    PROVIDER,
    PROVIDER_ORDER,
    PROVIDER_QTY,
    expected_qty,
    relationship,
    running,
    set_up,
    state,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def url(tmp_path: Path) -> str:
    """The crash scenario, its provider with block execution on (SQLite, one a test)."""
    database = f"sqlite:///{tmp_path / 'block.db'}"
    set_up(database)
    with running(database) as h:
        assert h.platform.blocks is not None
        h.platform.blocks.set(str(PROVIDER), True)
    return database


def child(mode: str, url: str, step: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.block_crash_child", mode, url, step],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode in (0, -9), proc.stderr
    return proc.returncode


def assert_one_block(url: str) -> None:
    rels = [relationship(i) for i in range(FOLLOWERS)]
    fill_id = block_fill_id(str(PROVIDER), str(PROVIDER_ORDER))
    with running(url) as h, h.platform.uow() as uow:
        provider_fills = uow.session.scalars(
            select(FillRow.fill_id).where(FillRow.book == str(PROVIDER))
        ).all()
        assert provider_fills == [str(fill_id)]
        want = {rel: str(ClientOrderId.for_copy(fill_id, RelationshipId(rel))) for rel in rels}
        copies = [o for o in uow.orders.all() if o.relationship_id is not None]
        assert sorted((o.relationship_id, o.client_order_id) for o in copies) == sorted(
            want.items()
        )
        assert {o.relationship_id: o.filled_qty for o in copies} == {
            rel: expected_qty(i) for i, rel in enumerate(rels)
        }
        head = uow.orders.get(str(PROVIDER_ORDER))
        assert head is not None and (head.status, head.filled_qty) == ("filled", PROVIDER_QTY)
        assert {o.avg_fill_price for o in copies} == {head.avg_fill_price}
        assert len(uow.decisions.all()) == FOLLOWERS  # one each: no fan-out copied again
        counted = select(PaperOrderRow.client_order_id, func.count()).group_by(
            PaperOrderRow.client_order_id
        )
        venue_orders = {cid: n for cid, n in uow.session.execute(counted)}
        assert venue_orders == {cid: 1 for cid in [*want.values(), str(PROVIDER_ORDER)]}
        assert uow.ledger.reconcile().ok
        assert set(uow.ledger.sum_by_currency().values()) == {0}
        assert uow.orders.unconfirmed() == [] and uow.outbox.pending(10) == []


def recover_and_check(url: str) -> None:
    with running(url) as h:
        h.engine.recover()
        before = state(h)
        h.engine.recover()
        assert state(h) == before
    assert_one_block(url)


def test_a_block_without_a_crash_is_one_block(url: str) -> None:
    assert child("run", url, "none") == 0
    recover_and_check(url)


# At each step's death, before recovery: (provider order status, orders at the venue,
# copy orders by status, provider fills booked, undelivered messages): the kill was
# where the step says.
AT_DEATH = {
    "after_intents": ("new", 0, {"new": FOLLOWERS}, 0, 0),
    "block_placed": ("new", 1 + FOLLOWERS, {"new": FOLLOWERS}, 0, 0),
    "block_answered": ("filled", 1 + FOLLOWERS, {"filled": FOLLOWERS}, 0, 0),
    "fill_booked": ("filled", 1 + FOLLOWERS, {"filled": FOLLOWERS}, 1, 1),
}


def at_death(url: str) -> tuple[str | None, int, dict[str, int], int, int]:
    with running(url) as h, h.platform.uow() as uow:
        head = uow.orders.get(str(PROVIDER_ORDER))
        copies = Counter(o.status for o in uow.orders.all() if o.relationship_id is not None)
        at_venue = uow.session.scalar(select(func.count()).select_from(PaperOrderRow))
        booked = uow.session.scalar(
            select(func.count()).select_from(FillRow).where(FillRow.book == str(PROVIDER))
        )
        return (
            head.status if head else None, at_venue or 0, dict(copies), booked or 0,
            len(uow.outbox.pending(10)),
        )  # fmt: skip


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_of_a_block_is_recovered_exactly_once(url: str, step: str) -> None:
    assert child("run", url, step) == -9
    assert at_death(url) == AT_DEATH[step]
    recover_and_check(url)


def test_a_kill_during_the_recovery_of_a_block_is_recovered_too(url: str) -> None:
    # Killed before the block was sent; the restart dies again once it re-sent it.
    assert child("run", url, "after_intents") == -9
    assert child("recover", url, "block_placed") == -9
    assert at_death(url) == AT_DEATH["block_placed"]
    recover_and_check(url)
