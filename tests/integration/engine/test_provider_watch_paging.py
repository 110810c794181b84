"""The provider watcher on an exchange that pages trades by time: the last millisecond
is read again at every page, and its trades are booked once (by fill id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import FillRow
from copytrade.domain.ids import AccountId, FillId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.engine.provider_watch import ProviderWatcher

from .harness import SPOT, Harness

LINKED = datetime(2026, 3, 1, tzinfo=UTC)


class TimePagedAccount:
    """An exchange account whose history pages by time (``since`` inclusive)."""

    def __init__(self) -> None:
        self.trades: list[Fill] = []
        self.reads: list[str | None] = []

    def trade(self, trade_id: str, ms: int) -> None:
        self.trades.append(
            Fill(
                FillId(f"okx:{SPOT.symbol}:{trade_id}"), OrderId(f"okx:{SPOT.symbol}:o{trade_id}"),
                None, AccountId("pro"), SPOT.symbol, Side.BUY, D("0.01"), D(2000), D(0),
                Liquidity.TAKER, LINKED + timedelta(milliseconds=ms),
            )
        )

    def trades_after(
        self, account: str, symbol: str, position: str | None, since: datetime, limit: int
    ) -> tuple[list[Fill], str | None]:
        self.reads.append(position)
        start = LINKED + timedelta(milliseconds=int(position)) if position else since
        page = [t for t in self.trades if t.ts >= start][:limit]
        if not page:
            return [], position
        return page, str(int((page[-1].ts - LINKED) / timedelta(milliseconds=1)))


def test_trades_sharing_a_millisecond_across_pages_are_booked_once(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(SPOT.symbol, "2000")
    h.provider("pro", "10000")
    account = TimePagedAccount()
    for trade_id, ms in (("1", 10), ("2a", 20), ("2b", 20), ("3", 30)):
        account.trade(trade_id, ms)
    watcher = ProviderWatcher(
        account, "okx", h.engine.uow_factory, h.engine.ingestor, "pro", [SPOT.symbol],
        LINKED, h.clock.now, page=3,
    )
    # [1, 2a, 2b] → cursor 20; [2a, 2b, 3]: only 3 is new → cursor 30; [3]: nothing new.
    assert watcher.poll() == 4
    assert account.reads == [None, "20", "30"]
    account.trade("4", 30)  # one more in the cursor's millisecond, after the poll
    assert watcher.poll() == 1
    with db_engine.connect() as conn:
        booked = sorted(conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")))
    assert booked == sorted(str(t.fill_id) for t in account.trades)
