"""The storage floor: N copy-order-shaped rows made durable in one transaction.

A separate fresh database of the same kind as the run's (same ``make_engine``,
so SQLite's pragmas; on PostgreSQL a schema of its own), the rows built before
the clock starts: what is timed is only what the database must do to make N
rows durable, which no fan-out design can beat (docs/benchmarks.md):

- SQLite: one ``executemany`` of the N rows inside ``BEGIN IMMEDIATE … COMMIT``;
- PostgreSQL: one ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``) of the N rows,
  encoded as COPY text before the clock starts, then ``COMMIT``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from copytrade.bench.timing import now_ns

# The columns of a copy order row (the ``orders`` table), numbers as canonical text.
_COLUMNS = (
    "id", "client_order_id", "venue", "book", "relationship_id", "provider_id", "copy_of",
    "symbol", "side", "type", "qty", "limit_price", "leverage", "reduce_only", "status",
    "filled_qty", "fees", "created_at", "updated_at",
)  # fmt: skip
# PostgreSQL's column types: those of the ``orders`` table (exact numerics, time zones).
_PG_TYPES = {
    "qty": "numeric", "limit_price": "numeric", "leverage": "numeric", "filled_qty": "numeric",
    "fees": "numeric", "reduce_only": "boolean", "created_at": "timestamptz",
    "updated_at": "timestamptz",
}  # fmt: skip
_TS = "2026-01-05 00:00:01.000000"


def _row(round_no: int, index: int) -> tuple[Any, ...]:
    cid = f"copy:fill-{round_no}:f{index:06d}:bench-provider:open"
    rel = f"f{index:06d}:bench-provider"
    return (
        cid, cid, "paper", rel, rel, "bench-provider", f"fill-{round_no}", "BTC/USDT:USDT",
        "buy", "market", "0.002", None, "1", 0, "new", "0", "0", _TS, _TS,
    )  # fmt: skip


def measure_floor(engine: Engine, rows: int, repeats: int) -> list[int]:
    """Nanoseconds of each of ``repeats`` rounds, each into its own fresh table."""
    connection = engine.raw_connection()  # SQLite: the connect hook has set the pragmas
    try:
        if engine.dialect.name == "postgresql":
            return [_copy_round(connection, r, rows) for r in range(repeats)]
        return [_sqlite_round(connection, r, rows) for r in range(repeats)]
    finally:
        connection.close()


def _sqlite_round(connection: Any, round_no: int, rows: int) -> int:
    table = f"floor_orders_{round_no}"
    columns = ", ".join(_COLUMNS)
    marks = ", ".join("?" for _ in _COLUMNS)
    cursor = connection.cursor()
    cursor.execute(f"CREATE TABLE {table} ({columns}, PRIMARY KEY (id))")
    data = [_row(round_no, i) for i in range(rows)]
    start = now_ns()
    cursor.execute("BEGIN IMMEDIATE")
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
    cursor.execute("COMMIT")
    elapsed = now_ns() - start
    cursor.close()
    return elapsed


def _copy_round(connection: Any, round_no: int, rows: int) -> int:
    table = f"floor_orders_{round_no}"
    driver = connection.driver_connection  # the psycopg 3 connection
    typed = ", ".join(f"{c} {_PG_TYPES.get(c, 'text')}" for c in _COLUMNS)
    with driver.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} ({typed}, PRIMARY KEY (id))")
        driver.commit()
        data = "".join(_copy_line(_row(round_no, i)) for i in range(rows)).encode()
        start = now_ns()
        with cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            copy.write(data)
        driver.commit()
        return now_ns() - start


def _copy_line(row: tuple[Any, ...]) -> str:
    """One row in COPY's text format (no value here needs escaping)."""
    return "\t".join(_cell(v) for v in row) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, int):  # reduce_only: 0 / 1
        return "t" if value else "f"
    return str(value)
