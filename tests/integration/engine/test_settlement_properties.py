"""Properties of repeated settlement runs over random price paths (SQLite).

Whatever the path and however often a period's run is repeated: value is
conserved (the ledger sums to zero, what left the allocations is exactly what
the provider and the platform received), each (relationship, period) settles
once, and a gain is charged only above every level charged before.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings
from copytrade.domain.ids import ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import ZERO

from .harness import SPOT, Harness
from .settlement_support import monday, run_at

prices = st.lists(st.integers(min_value=1200, max_value=3200), min_size=2, max_size=5)
reruns = st.lists(st.booleans(), min_size=5, max_size=5)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prices, reruns)
def test_value_is_conserved_and_no_gain_is_charged_twice(
    path: list[int], rerun: list[bool]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = make_engine(Settings(database_url=f"sqlite:///{Path(tmp) / 'p.db'}"))
        try:
            upgrade_database(db)
            _check(Harness(db), path, rerun)
        finally:
            db.dispose()


def _check(h: Harness, path: list[int], rerun: list[bool]) -> None:
    h.tick(SPOT.symbol, "2000")
    provider = h.provider("pro", "10000", share_pct="25")
    rels = [
        h.follow(h.follower(f"f{i}", "5000"), ProviderId("pro"), "1000", max_loss_pct=D(95))
        for i in range(2)
    ]
    h.trade(provider, "buy", "4.5", symbol=SPOT.symbol)
    for week, price in enumerate(path):
        h.tick(SPOT.symbol, str(price))
        end = monday(12) + timedelta(weeks=week)
        run_at(h, end)
        if rerun[week]:
            assert run_at(h, end).settled == 0
    with h.platform.uow() as uow:
        records = [r for r in uow.settlements.all()]
        assert set(uow.ledger.sum_by_currency().values()) == {ZERO}
        earned = uow.ledger.balance(LedgerAccount.provider_earnings("pro"))
        platform = uow.ledger.balance(LedgerAccount.platform_revenue())
    assert len({(r.relationship_id, r.period) for r in records}) == len(records) == 2 * len(path)
    paid = sum((r.settlement.debit for r in records), ZERO)
    assert earned + platform == paid
    for rel in rels:
        mine = [r.settlement for r in records if r.relationship_id == rel]
        charged_up_to = D(1000)
        for s in mine:
            net = s.equity - s.owed_before
            if s.gross > 0:
                assert net > charged_up_to  # only gain above every earlier level
            assert s.hwm_after >= charged_up_to  # the HWM never falls without a flow
            charged_up_to = s.hwm_after
