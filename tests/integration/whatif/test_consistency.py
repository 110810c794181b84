"""Every example scenario, every follower (but a subscriber's: a what-if does not charge
subscriptions): the what-if with its settings and dates reproduces it exactly, its
decisions, settlements, equity curve and end state, with the settings it followed with;
one that acted on its own (a pause, top-up, withdrawal, manual close, settings edit or
stop) up to its first such action, and a copy of a provider that set trigger prices on a
position up to that change, which a what-if does not replay (docs/whatif.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from copytrade.adapters.db.engine import make_engine, make_read_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.config import load_settings
from copytrade.domain.profit_share.fee_model import FeeModel
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import Follow, ProviderTriggers, Scenario, load_scenario

from .consistency import real_outcome, replay_of, whatif_of

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"


def follows_and_first_actions(scenario: Scenario) -> list[tuple[Follow, datetime | None]]:
    """Each follow of a non-subscription provider, with the time of the first later event
    that names its relationship or sets its provider's trigger prices (None: neither)."""
    subscription = {str(p.id) for p in scenario.providers if p.fee_model is FeeModel.SUBSCRIPTION}
    first: dict[str, datetime] = {}
    triggers: dict[str, datetime] = {}
    for event in scenario.events:
        rel = getattr(event, "relationship", None)
        if rel is not None and not isinstance(event, Follow):
            first.setdefault(str(rel), event.at)
        if isinstance(event, ProviderTriggers):
            triggers.setdefault(str(event.provider), event.at)
    found: list[tuple[Follow, datetime | None]] = []
    for e in scenario.events:
        if isinstance(e, Follow) and str(e.provider) not in subscription:
            cuts = [t for t in (first.get(str(e.relationship)), triggers.get(str(e.provider))) if t]
            found.append((e, min(cuts) if cuts else None))
    return found


def _before(outcome: dict[str, Any], cut: datetime) -> dict[str, Any]:
    """The decisions and settlements made before ``cut`` (``at`` is each row's last key)."""
    return {
        key: [row for row in outcome[key] if row[-1] < cut] for key in ("decisions", "settlements")
    }


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_whatif_reproduces_each_passive_follower_exactly(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    result = run_scenario(scenario, url)
    engine = make_engine(load_settings(database_url=url))
    try:
        factory = make_read_session_factory(engine)
        whatif = whatif_of(scenario, factory)
        follows = follows_and_first_actions(scenario)
        with SqlUnitOfWork(factory) as uow:
            for follow, acted in follows:
                rel = uow.relationships.get(follow.relationship)
                real = real_outcome(uow, rel, result)
                assert real["decisions"], "a follower that copied nothing proves little"
                if acted is None:
                    end = result["scenario"]["end"]
                    ours = replay_of(
                        whatif, rel, follow.at, follow.allocation, end, follow.settings
                    )
                    assert ours == real, follow.relationship
                else:
                    until = acted - timedelta(microseconds=1)
                    ours = replay_of(
                        whatif, rel, follow.at, follow.allocation, until, follow.settings
                    )
                    assert _before(ours, acted) == _before(real, acted), follow.relationship
                    assert ours["decisions"] == _before(real, acted)["decisions"]
    finally:
        engine.dispose()
    assert follows
