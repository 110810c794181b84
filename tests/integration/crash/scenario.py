"""The seeded operation sequence: the same seed always gives the same sequence.

An operation is a plain JSON-able dict: ``kind``, its time ``ts`` and random
choices (names, fractions). What it acts on that depends on the books (which
relationship, how much of a balance) is resolved when it runs (``operations``),
so the sequence stays meaningful whatever the kills did before it.

The clock only moves forward: each operation is at least a minute after the
previous one. When the time passes a period boundary (Mondays 00:00 UTC, the
1st 00:00 UTC) the settlement run and the subscription charges of that
boundary come first, in a random order, as ``copytrade serve``'s jobs would.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from .world import (
    ACCOUNTS,
    COPIERS,
    INSTRUMENTS,
    PROVIDERS,
    START,
    START_PRICES,
)

Op = dict[str, Any]

WEIGHTS = {
    "order": 22,
    "price": 22,
    "shock": 4,
    "follow": 10,
    "top_up": 6,
    "rel_withdraw": 6,
    "pause": 3,
    "resume": 3,
    "stop": 5,
    "manual_close": 2,
    "deposit": 5,
    "withdraw": 5,
}


def frac(rng: random.Random, low: float, high: float) -> str:
    """A fraction as decimal text (never a float in the books)."""
    return f"{rng.uniform(low, high):.3f}"


def setup_ops() -> list[Op]:
    """Markets priced, providers with their terms and money, followers with money."""
    ops: list[Op] = [{"kind": "price", "moves": {s: str(p) for s, p in START_PRICES.items()}}]
    for p in PROVIDERS:
        ops.append({"kind": "register", "account": p.name})
        ops.append({"kind": "make_provider", "provider": p.name})
        ops.append({"kind": "deposit", "account": p.name, "amount": "20000"})
    for name in ACCOUNTS:
        if name.startswith("f"):
            ops.append({"kind": "register", "account": name})
            ops.append({"kind": "deposit", "account": name, "amount": "8000"})
    for follower, provider, max_loss in SETUP_FOLLOWS:
        ops.append(
            {
                **FOLLOW_DEFAULTS,
                "follower": follower,
                "provider": provider,
                "max_loss_pct": max_loss,
            }
        )
    return ops


FOLLOW_DEFAULTS: Op = {
    "kind": "follow",
    "size": "0.3",
    "mode": "proportional",
    "fixed_amount": "250",
    "multiplier": "1",
    "close_on_stop": True,
    "copy_open_positions": False,
    "leverage": None,
}
# Copying from the start: every provider has followers; p1, a provider, copies p0 and
# pays p2's subscription from its free balance, which is its venue account.
SETUP_FOLLOWS = (
    ("f0", "p0", "5"),
    ("f1", "p0", "60"),
    ("f2", "p1", "8"),
    ("f3", "p2", "30"),
    ("f4", "p3", "8"),
    ("p1", "p0", "30"),
    ("f0", "p3", "8"),
    ("f2", "p0", "30"),
    ("p1", "p2", "30"),
)


def random_op(rng: random.Random) -> Op:
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    follower = rng.choice(sorted(COPIERS))
    pick = frac(rng, 0, 1)  # which relationship, position or symbol, resolved later
    if kind == "order":
        return {
            "kind": "order",
            "provider": rng.choice([p.name for p in PROVIDERS]),
            "symbol": rng.choice(INSTRUMENTS).symbol,
            "intent": rng.choices(["open", "close_part", "flip", "close_all"], [5, 3, 1, 1])[0],
            "side": rng.choice(["buy", "sell"]),
            "type": rng.choices(["market", "limit"], [3, 1])[0],
            "leverage": str(rng.choice([1, 2, 3, 5])),
            "size": frac(rng, 0.1, 0.6),
            "offset": frac(rng, 0.003, 0.02),
        }
    if kind == "shock":  # against the copied positions, for max-loss stops
        return {"kind": "price", "against": "p0", "size": frac(rng, 0.1, 0.25)}
    if kind == "price":
        moves = {}
        for instrument in INSTRUMENTS:
            if rng.random() < 0.7:
                big = rng.random() < 0.25  # big enough to reach max-loss limits
                size = rng.uniform(0.08, 0.25) if big else rng.uniform(0, 0.03)
                moves[instrument.symbol] = f"{rng.choice([-1, 1]) * size:.4f}"
        return {"kind": "price", "relative": moves}
    if kind == "follow":
        return {
            "kind": "follow",
            "follower": follower,
            "provider": rng.choice(COPIERS[follower]),
            "size": frac(rng, 0.15, 0.5),
            "mode": rng.choices(["proportional", "fixed_amount", "multiplier"], [4, 1, 1])[0],
            "fixed_amount": str(rng.choice([100, 250, 500])),
            "multiplier": rng.choice(["0.5", "1.5", "2"]),
            "max_loss_pct": str(rng.choice([5, 8, 15, 30, 60])),
            "close_on_stop": rng.random() < 0.6,
            "copy_open_positions": rng.random() < 0.3,
            "leverage": rng.choice([None, None, "2"]),
        }
    if kind in ("top_up", "rel_withdraw"):
        return {"kind": kind, "follower": follower, "pick": pick, "size": frac(rng, 0.1, 0.6)}
    if kind == "stop":
        close = rng.choice([None, True, False])
        return {"kind": "stop", "follower": follower, "pick": pick, "close_on_stop": close}
    if kind in ("pause", "resume", "manual_close"):
        return {"kind": kind, "follower": follower, "pick": pick}
    account = rng.choice(ACCOUNTS)
    if kind == "deposit":
        return {"kind": "deposit", "account": account, "amount": str(rng.randint(100, 3000))}
    return {"kind": "withdraw", "account": account, "size": frac(rng, 0.05, 0.5)}


def boundaries(after: datetime, until: datetime) -> list[datetime]:
    """Mondays 00:00 and firsts 00:00 UTC in ``(after, until]`` (our own arithmetic)."""
    found = []
    day = after.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    while day <= until:
        if day.weekday() == 0 or day.day == 1:
            found.append(day)
        day += timedelta(days=1)
    return found


def generate(seed: int, count: int) -> list[Op]:
    """The setup, then ``count`` random operations with boundary jobs between them."""
    rng = random.Random(seed)
    body = setup_ops()
    now = START
    timed: list[Op] = []
    for op in body:
        now += timedelta(minutes=1)
        timed.append({**op, "ts": now.isoformat()})
    for _ in range(count):
        step = timedelta(minutes=rng.randint(10, 12 * 60))
        for boundary in boundaries(now, now + step):
            jobs: list[Op] = [
                {
                    "kind": "settle",
                    "period_end": boundary.isoformat(),
                    "via": rng.choice(["serve", "cli"]),
                },
                {"kind": "charge", "boundary": boundary.isoformat()},
            ]
            rng.shuffle(jobs)
            for job in jobs:
                now = max(now, boundary) + timedelta(minutes=1)
                timed.append({**job, "ts": now.isoformat()})
        now += step
        timed.append({**random_op(rng), "ts": now.isoformat()})
    return [{**op, "i": i} for i, op in enumerate(timed)]
