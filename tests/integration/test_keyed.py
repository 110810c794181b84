"""``KeyedSelect``: the rows of many keys, the same values however they are read.

On SQLite it runs as driver SQL (``DriverSelect``), on PostgreSQL the generic way; both
must give exactly what a plain ``session.execute(...).all()`` gives.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import cast

from sqlalchemy import Engine, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import PaperPositionRow

_POSITIONS = cast(Table, PaperPositionRow.__table__)
NOW = datetime(2026, 12, 4, 1, tzinfo=UTC)
_OF = KeyedSelect(
    select(_POSITIONS).where(_POSITIONS.c.account.in_(keys_param())).order_by(_POSITIONS.c.account),
    chunk=3,
)
_OF_SYMBOL = KeyedSelect(
    select(_POSITIONS.c.account, _POSITIONS.c.qty, _POSITIONS.c.opened_at).where(
        _POSITIONS.c.account.in_(keys_param()), _POSITIONS.c.symbol == bindparam("symbol")
    )
)


def _position(index: int, symbol: str) -> dict[str, object]:
    zero = D(0)
    return {
        "account": f"acc-{index}", "symbol": symbol, "leverage": D("2.5"),
        "qty": D(f"-0.{index:03}") if index % 2 else D("12345678901234567890.123456789012345678"),
        "entry_cost": D("100.00"), "realized_pnl": zero, "fees_paid": D("0.05"),
        "opened_at": NOW + timedelta(minutes=index) if index % 3 else None,
        "trade_qty": zero, "trade_cost": zero, "trade_exit_value": zero,
        "trade_realized": zero, "trade_fees": zero, "margin_mode": "cross",
    }


def test_keyed_rows_equal_the_generic_read_in_values_types_and_order(db_engine: Engine) -> None:
    rows = [_position(i, s) for i in range(8) for s in ("BTC", "ETH")]
    with Session(db_engine) as session, session.begin():
        session.execute(insert(_POSITIONS), rows)
    keys = [f"acc-{i}" for i in (7, 0, 3, 5, 1, 99)]  # 99 has no row; chunks of 3
    with Session(db_engine) as session:
        found = _OF.rows(session, keys)
        plain = session.execute(select(_POSITIONS).where(_POSITIONS.c.account.in_(keys))).all()
        by_symbol = _OF_SYMBOL.rows(session, keys, symbol="ETH")
        assert _OF.rows(session, []) == []
    # Sorted within each chunk (the statement's ORDER BY), chunks in the keys' order.
    assert [r.account for r in found] == [f"acc-{i}" for i in (0, 0, 3, 3, 7, 7, 1, 1, 5, 5)]
    assert sorted(map(tuple, found)) == sorted(map(tuple, plain))
    for row in found:
        expected = _position(int(row.account[4:]), row.symbol)
        assert row._asdict() == expected
        assert type(row.qty) is D
        if db_engine.dialect.name == "sqlite":  # the stored text, digit for digit
            assert str(row.qty) == str(expected["qty"])
        assert row.opened_at is None or row.opened_at.tzinfo is UTC
    assert sorted(by_symbol) == sorted(
        (f"acc-{i}", _position(i, "ETH")["qty"], _position(i, "ETH")["opened_at"])
        for i in (7, 0, 3, 5, 1)
    )
    account, qty, opened_at = by_symbol[0]  # unpacks like a Core row
    assert (account, qty, opened_at) == tuple(by_symbol[0])
