"""``run_scenario`` on both backends: same bytes, refusals recorded, days closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.errors import DatabaseNotEmptyError
from copytrade.adapters.jsonable import dump_result
from copytrade.config import Settings
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import load_scenario, scenario_from_data

from ..rows import every_row

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"


def _scenario(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "runner",
        "start": "2024-01-01T00:00:00Z",
        "instruments": [
            {"symbol": "BTC/USDT:USDT", "kind": "perp", "tick": "0.1", "lot_step": "0.001"}
        ],
        "prices": [
            {"at": "2024-01-01T00:00:00Z", "symbol": "BTC/USDT:USDT", "price": "40000"},
            {"at": "2024-01-03T12:00:00Z", "symbol": "BTC/USDT:USDT", "price": "44000"},
        ],
        "providers": [{"id": "pro", "deposit": "100000"}],
        "followers": [{"id": "ann", "deposit": "1000"}],
        "events": events,
    }


def test_same_result_on_sqlite_and_postgres(db_settings: Settings) -> None:
    """The runner on the parametrised backend gives the default run's exact bytes."""
    scenario = load_scenario(EXAMPLES / "fixed_amount_partial.yaml")
    expected = dump_result(run_scenario(scenario))
    assert dump_result(run_scenario(scenario, db_settings.database_url)) == expected


def _follow(at: str, allocation: str) -> dict[str, Any]:
    return {"at": at, "type": "follow", "follower": "ann", "provider": "pro",
            "allocation": allocation, "settings": {"mode": "proportional"}}  # fmt: skip


def _buy(at: str, qty: str) -> dict[str, Any]:
    return {"at": at, "type": "order", "provider": "pro", "symbol": "BTC/USDT:USDT",
            "side": "buy", "qty": qty}  # fmt: skip


def test_refusals_are_recorded_and_the_run_goes_on() -> None:
    deposit = {"at": "2024-01-01T01:00:00Z", "type": "deposit", "account": "ann", "amount": "4000"}
    # ann holds 1,000: a 5,000 allocation is refused, nothing moves; the provider's
    # 1,000 BTC (40,000,000) is more than its 100,000 and the venue rejects it.
    events = [
        _follow("2024-01-01T00:00:00Z", "5000"),
        deposit,
        _buy("2024-01-01T02:00:00Z", "1000"),
    ]
    result = run_scenario(scenario_from_data(_scenario(events)))
    assert [(e["event"], e["type"]) for e in result["errors"]] == [(0, "follow"), (2, "order")]
    assert "rejected" in result["errors"][1]["message"]
    assert result["balances"]["ann"]["follower_free"]["USDT"] == 5000  # 1,000 + 4,000
    assert result["relationships"] == []
    assert result["orders"][0]["status"] == "rejected"


def test_every_day_is_closed_and_settling_twice_at_one_time_settles_once() -> None:
    settle = {"at": "2024-01-04T00:00:00Z", "type": "settle"}
    events = [_follow("2024-01-01T00:00:00Z", "1000"), _buy("2024-01-01T01:00:00Z", "1"), settle,
              settle]  # fmt: skip
    result = run_scenario(scenario_from_data(_scenario(events)))
    series = result["equity_series"]["pro"]
    # Jan 1 and 2 at 40,000; Jan 3 closes at 44,000 (+4,000); Jan 4 is the last day.
    assert [(p["day"].isoformat(), p["equity"]) for p in series] == [
        ("2024-01-01", 100000),
        ("2024-01-02", 100000),
        ("2024-01-03", 104000),
        ("2024-01-04", 104000),
    ]
    # ann: 1,000 × 40 % = 400 → 0.01 BTC, +40 at 44,000; 10 % share = 4.
    assert [(s["equity"], s["gross"]) for s in result["settlements"]] == [(1040, 4)]


def test_a_database_with_tables_is_refused_untouched(
    db_engine: Engine, db_settings: Settings
) -> None:
    """``--db`` must be empty: a scenario's accounts and instruments would mix with its rows."""
    before = every_row(db_engine)
    scenario = load_scenario(EXAMPLES / "fixed_amount_partial.yaml")
    with pytest.raises(DatabaseNotEmptyError, match="is not empty"):
        run_scenario(scenario, db_settings.database_url)
    assert every_row(db_engine) == before
