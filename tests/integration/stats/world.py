"""A small recorded history for the stats tests, played through the real engine."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from copytrade.domain.ids import ProviderId
from copytrade.stats.service import StatsService

from ..engine.harness import PERP, SPOT, Harness

# Day -> (perp price at "pro"'s open, at its close); days 4-7 idle, so the 7-day window
# (days 3-9 as of day 9) holds three trades of six, and a loss on days 1 and 8.
PRO_TRADES = {
    0: ("50000", "51000"),
    1: ("51000", "50500"),
    2: ("50500", "52000"),
    3: ("52000", "52500"),
    8: ("52500", "51000"),
    9: ("51000", "51800"),
}
DAYS = 10


def start_of_next_day(h: Harness) -> datetime:
    now = h.clock.now()
    return datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) + timedelta(days=1, hours=1)


def close_today(h: Harness) -> None:
    """Close the clock's UTC day and move to the next one."""
    h.engine.close_day(h.clock.now().date())
    h.clock.set(start_of_next_day(h))


def stats_service(h: Harness, min_track_record_days: int = 3) -> StatsService:
    return StatsService(
        h.platform.uow, h.engine.prices.snapshot, h.clock.now, min_track_record_days
    )


def play_world(h: Harness) -> dict[str, ProviderId]:
    """``pro``: 3 followers, six 3× perp round trips over 10 days, an open spot position;
    ``solo``: no followers, one spot trade; ``young``: funded on the last day only."""
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "3000")
    pro = h.provider("pro", "10000", share_pct="15")
    solo = h.provider("solo", "2000")
    for name in ("alice", "bob", "carol"):
        h.follow(h.follower(name, "5000"), pro, "1000")
    for day in range(DAYS):
        if day in PRO_TRADES:
            open_price, close_price = PRO_TRADES[day]
            h.tick(PERP.symbol, open_price)
            h.trade(pro, "buy", "0.04", leverage="3")
            h.tick(PERP.symbol, close_price, minutes=90)
            h.trade(pro, "sell", "0.04")
        if day == 1:
            h.trade(solo, "buy", "0.1", symbol=SPOT.symbol)
            h.tick(SPOT.symbol, "3100", minutes=30)
            h.trade(solo, "sell", "0.1", symbol=SPOT.symbol)
        if day < DAYS - 1:
            close_today(h)
    h.trade(pro, "buy", "0.5", symbol=SPOT.symbol)  # open: counts in AUM, not in trades
    young = h.provider("young", "500")
    h.tick(SPOT.symbol, "3050")
    return {"pro": pro, "solo": solo, "young": young}


def refreshed_world(db: Engine) -> tuple[Harness, dict[str, ProviderId]]:
    """The world played on ``db`` and its statistics refreshed once."""
    h = Harness(db)
    ids = play_world(h)
    stats_service(h).full_refresh()
    return h, ids
