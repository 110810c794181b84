"""The storage floor: N copy-order-shaped rows, one executemany, one commit.

A separate fresh database with the engine's pragmas (same ``make_engine``), the
rows built before the clock starts: what is timed is only what the database
must do to make N rows durable, which no fan-out design can beat.
"""

from __future__ import annotations

from copytrade.adapters.db.engine import make_engine
from copytrade.bench.timing import now_ns, percentile
from copytrade.config import Settings

# The columns of a copy order row (the ``orders`` table), numbers as canonical text.
_COLUMNS = (
    "id", "client_order_id", "venue", "book", "relationship_id", "provider_id", "copy_of",
    "symbol", "side", "type", "qty", "limit_price", "leverage", "reduce_only", "status",
    "filled_qty", "fees", "created_at", "updated_at",
)  # fmt: skip


def _row(round_no: int, index: int) -> tuple[object, ...]:
    cid = f"copy:fill-{round_no}:f{index:06d}:bench-provider:open"
    rel = f"f{index:06d}:bench-provider"
    ts = "2026-01-05 00:00:01.000000"
    return (
        cid, cid, "paper", rel, rel, "bench-provider", f"fill-{round_no}", "BTC/USDT:USDT",
        "buy", "market", "0.002", None, "1", 0, "new", "0", "0", ts, ts,
    )  # fmt: skip


def measure_floor(settings: Settings, rows: int, repeats: int) -> list[int]:
    """Nanoseconds of each of ``repeats`` rounds, each into its own fresh table."""
    engine = make_engine(settings)
    columns = ", ".join(_COLUMNS)
    marks = ", ".join("?" for _ in _COLUMNS)
    samples: list[int] = []
    try:
        connection = engine.raw_connection()  # the connect hook has set the pragmas
        cursor = connection.cursor()
        for round_no in range(repeats):
            table = f"floor_orders_{round_no}"
            cursor.execute(f"CREATE TABLE {table} ({columns}, PRIMARY KEY (id))")
            data = [_row(round_no, i) for i in range(rows)]
            start = now_ns()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
            cursor.execute("COMMIT")
            samples.append(now_ns() - start)
        connection.close()
    finally:
        engine.dispose()
    return samples


def floor_ns(settings: Settings, rows: int, repeats: int = 5) -> int:
    return percentile(measure_floor(settings, rows, repeats), 50)
