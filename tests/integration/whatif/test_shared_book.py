"""A what-if on a shared, depleting book (docs/whatif.md, "A shared, depleting book"),
on ``thin_book_many_followers`` and ``thin_book_block``: hand-computed from their
comments (1 ETH a level, levels 1 USDT apart, no fees; ten real copies of 0.5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.adapters.db.engine import make_engine, make_read_session_factory
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.config import load_settings
from copytrade.domain.copying import CopySettings
from copytrade.domain.copying.settings import SizingMode
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import Scenario, load_scenario
from copytrade.whatif.request import WhatIfRequest
from copytrade.whatif.service import WhatIf

from .consistency import whatif_of

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"
D = Decimal


Made = Callable[[str], tuple[WhatIf, Scenario]]


@pytest.fixture
def whatif_on(tmp_path: Path) -> Iterator[Made]:
    engines = []

    def make(name: str) -> tuple[WhatIf, Scenario]:
        scenario = load_scenario(EXAMPLES / f"{name}.yaml")
        url = f"sqlite:///{tmp_path / name}.db"
        run_scenario(scenario, url)
        engine = make_engine(load_settings(database_url=url))
        engines.append(engine)
        factory = make_read_session_factory(engine)
        whatif = whatif_of(scenario, factory)
        return whatif, scenario

    yield make
    for engine in engines:
        engine.dispose()


def fills(whatif: WhatIf, scenario: Scenario, in_place_of: str | None = None) -> list[Decimal]:
    settings = CopySettings(mode=SizingMode.FIXED_AMOUNT, fixed_amount=D(1000))
    request = WhatIfRequest("pro", scenario.start, D(2000), settings, None, in_place_of)
    return [d["fill_price"] for d in whatif.run(request)["decisions"]]


def test_a_hypothetical_follower_walks_after_the_real_fan_out(whatif_on: Made) -> None:
    whatif, scenario = whatif_on("thin_book_many_followers")
    # Buy: the provider's 1 and the ten copies' 5 took levels 0–5; it takes level 6.
    # Sell: the same on the bids, 2010 − 6 = 2004.
    assert fills(whatif, scenario) == [D(2006), D(2004)]
    # In f01's place: where f01 filled (after the provider only).
    assert fills(whatif, scenario, "f01:pro") == [D(2001), D(2009)]
    assert fills(whatif, scenario, "f10:pro") == [D(2005), D(2005)]


def test_a_copy_of_a_block_gets_the_blocks_one_price(whatif_on: Made) -> None:
    whatif, scenario = whatif_on("thin_book_block")
    assert fills(whatif, scenario) == [D("2002.5"), D("2007.5")]
    assert fills(whatif, scenario, "f05:pro") == [D("2002.5"), D("2007.5")]


def test_in_place_of_names_a_relationship_that_exists(whatif_on: Made) -> None:
    whatif, scenario = whatif_on("depth_fixed_amount")
    with pytest.raises(UnknownRelationshipError, match="nobody:pro"):
        fills(whatif, scenario, "nobody:pro")
