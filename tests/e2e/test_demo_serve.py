"""``copytrade demo --serve``: the served demo goes on from its history, its bots trading.

A real process: the demo runs, then serves; the test reads the demo's SQLite file
(WAL: a reader beside the server) until the bots' live orders have filled and been
copied to followers.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.e2e.serving import free_port, start, stop

PATIENCE_S = 240  # the bots' windows fill from live prices first (docs/demo.md)


def _firings(database: Path) -> int:
    """The demo's alert rules' firings so far (docs/demo.md, "Alerts")."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
        return int(db.execute("select count(*) from alert_firings").fetchone()[0])


def _counts(database: Path) -> tuple[int, int]:
    """(live bot orders filled, copy orders) in the demo's database."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
        live = db.execute(
            "select count(*) from orders where client_order_id like 'p-%-live%' "
            "and filled_qty > 0"
        ).fetchone()[0]
        copies = db.execute(
            "select count(*) from orders where relationship_id is not null"
        ).fetchone()[0]
    return int(live), int(copies)


def test_a_served_demo_continues_its_history_and_its_bots_keep_trading(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    port = free_port()
    args = ["demo", "--weeks", "1", "--followers", "40", "--serve", "--port", str(port)]
    base, process = start([*args, "--database", str(database)], port, wait_s=180)
    try:
        _, copies_at_start = _counts(database)
        fired_at_start = _firings(database)
        card = httpx.get(f"{base}/api/v1/leaderboard?period=30d", timeout=10).json()
        deadline = time.monotonic() + PATIENCE_S
        live, copies = _counts(database)
        while (live == 0 or copies <= copies_at_start) and time.monotonic() < deadline:
            time.sleep(2)
            live, copies = _counts(database)
        assert live > 0, "no live bot order filled"
        assert copies > copies_at_start, "no follower copied a live bot order"
        # The demo's rules go on firing live ('close crosses above open' on 1m candles).
        deadline = time.monotonic() + PATIENCE_S
        while _firings(database) <= fired_at_start and time.monotonic() < deadline:
            time.sleep(2)
        assert _firings(database) > fired_at_start, "no demo alert rule fired live"
    finally:
        stop(process)
    # The statistics are as of today: the history ends now, not weeks ago.
    items = card["cards"]
    assert items, card
    as_of = {str(item["as_of"])[:10] for item in items}
    today = datetime.now(UTC).date()
    assert as_of <= {str(today), str(today - timedelta(days=1))}, as_of
