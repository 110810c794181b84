"""The fill-quality world: one provider and three followers (test_fill_report.py)."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.domain.copying import SizingMode

from ..engine.harness import PERP, Harness


def play_fills_world(db: Engine) -> Harness:
    """pro (10,000) buys 0.04 BTC at 50,000 and sells at 55,000; alice proportional,
    bob blocking the symbol, carl with multiplier 2, 1,000 each."""
    h = Harness(db)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.follow(h.follower("alice", "5000"), pro, "1000")
    h.follow(h.follower("bob", "5000"), pro, "1000", blacklist=frozenset({PERP.symbol}))
    h.follow(h.follower("carl", "5000"), pro, "1000", mode=SizingMode.MULTIPLIER,
             multiplier=D(2))  # fmt: skip
    h.trade(pro, "buy", "0.04")
    h.tick(PERP.symbol, "55000")
    h.trade(pro, "sell", "0.04")
    return h
