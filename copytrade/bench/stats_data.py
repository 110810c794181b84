"""Synthetic provider records for ``copytrade bench stats``: fast, seeded, self-consistent.

Each provider gets its own ``random.Random`` seeded from (seed, index), so a
provider's record does not depend on how many others are generated. Its
closed trades are sized from its running equity (so a loss can never take
the equity below zero), and its daily equity series is the day-1 deposit
plus the realized PnL of the trades closed each day: exactly what the
platform would have recorded for a book that only trades. Every amount is an
exact Decimal built from integer ticks, lots and cents; floats only ever pick
an integer (a number of ticks), never a money value.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from copytrade.adapters.venues.paper.rules import fee_for
from copytrade.demo.instruments import BTC_PERP, BTC_SPOT, DEMO_INSTRUMENTS, ETH_PERP, SOL_PERP
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Liquidity
from copytrade.domain.statistics import EquityPoint
from copytrade.domain.trades import PositionSide, Trade
from copytrade.domain.values import ZERO

START = datetime(2025, 7, 1, tzinfo=UTC)
DEPOSIT = Decimal(10000)
INSTRUMENTS: dict[str, Instrument] = {i.symbol: i for i in DEMO_INSTRUMENTS}
# Reference prices the entries wander around (±10 %); also the prices the stats mark at.
PRICES: dict[str, Decimal] = {
    BTC_PERP: Decimal(60000),
    ETH_PERP: Decimal(3000),
    SOL_PERP: Decimal(150),
    BTC_SPOT: Decimal(60000),
}
_PERPS = (BTC_PERP, ETH_PERP, SOL_PERP)
# Leverage ranges by temperament, so risk levels spread over low, medium and high.
_LEVERAGE = ((1, 2), (2, 5), (5, 20))
_STYLES = ("spot", "futures", "mixed")
_DAY_SECONDS = 86400


@dataclass(frozen=True, slots=True)
class StatsDataConfig:
    providers: int = 2000
    trades: int = 500  # closed trades per provider
    days: int = 180
    max_followers: int = 20
    seed: int = 5

    def __post_init__(self) -> None:
        if self.providers < 1 or self.trades < 1 or self.days < 1 or self.max_followers < 0:
            raise ValueError(
                "providers, trades and days must be at least 1 and max_followers at least 0, "
                f"got {self.providers}, {self.trades}, {self.days}, {self.max_followers}"
            )

    @property
    def end(self) -> datetime:
        """The bench's "now": one hour into the day after the generated record."""
        return START + timedelta(days=self.days, hours=1)


@dataclass(frozen=True, slots=True)
class FollowerRecord:
    """One follower's relationship to the provider: its allocation and what it made."""

    follower: str
    allocation: Decimal
    pnl: Decimal  # realized on the allocation (copier PnL), whole cents
    status: str  # active / paused / stopped


@dataclass(frozen=True, slots=True)
class ProviderRecord:
    provider: str
    share_pct: Decimal
    trades: list[Trade]
    equity: list[EquityPoint]
    followers: list[FollowerRecord] = field(default_factory=list)


def provider_id(index: int) -> str:
    return f"sp{index:05d}"


def generate(config: StatsDataConfig) -> Iterator[ProviderRecord]:
    for index in range(config.providers):
        yield generate_provider(config, index)


def generate_provider(config: StatsDataConfig, index: int) -> ProviderRecord:
    rng = random.Random(f"{config.seed}:{index}")
    provider = provider_id(index)
    trades = _trades(rng, AccountId(provider), config)
    return ProviderRecord(
        provider=provider,
        share_pct=Decimal(rng.randrange(5, 31)),
        trades=trades,
        equity=equity_series(trades, config.days),
        followers=_followers(rng, provider, config.max_followers),
    )


def equity_series(trades: list[Trade], days: int) -> list[EquityPoint]:
    """The deposit on day 1, then each day's close moved by that day's realized PnL."""
    day_pnl: dict[date, Decimal] = {}
    for trade in trades:
        day = trade.closed_at.date()
        day_pnl[day] = day_pnl.get(day, ZERO) + trade.pnl
    first = START.date()
    equity = DEPOSIT
    points = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        equity += day_pnl.get(day, ZERO)
        points.append(EquityPoint(day, equity, DEPOSIT if offset == 0 else ZERO))
    return points


def _trades(rng: random.Random, account: AccountId, config: StatsDataConfig) -> list[Trade]:
    style = rng.choice(_STYLES)
    low, high = rng.choice(_LEVERAGE)
    edge = rng.uniform(-0.002, 0.004)  # this provider's mean price move per trade
    closes = sorted(rng.randrange(config.days * _DAY_SECONDS) for _ in range(config.trades))
    equity = DEPOSIT
    trades = []
    for second in closes:
        spot = style == "spot" or (style == "mixed" and rng.random() < 0.5)
        leverage = 1 if spot else rng.randint(low, high)
        trade = make_trade(rng, account, equity, second, spot, leverage, edge)
        equity += trade.pnl
        trades.append(trade)
    return trades


def make_trade(
    rng: random.Random,
    account: AccountId,
    equity: Decimal,
    closed_second: int,
    spot: bool,
    leverage: int,
    edge: float = 0.0,
) -> Trade:
    """One closed trade using 2–10 % of ``equity`` as margin; it loses under 20 % of it.

    The price moves at most 8 % (in ticks), so with leverage at most 20 the loss
    is under 10 % × 20 × 8 % = 16 % of equity, plus fees of about 0.2 %.
    """
    margin = equity * rng.randrange(2, 11) / 100
    symbol = BTC_SPOT if spot else rng.choice(_PERPS)
    entry_ticks, lots = _size(rng, symbol, margin * leverage)
    if lots == 0:  # too small an equity for a perp's lot: the spot market's lots are tiny
        spot, leverage, symbol = True, 1, BTC_SPOT
        entry_ticks, lots = _size(rng, symbol, margin)
    instrument = INSTRUMENTS[symbol]
    entry = entry_ticks * instrument.tick
    qty = max(1, lots) * instrument.lot_step
    side = PositionSide.LONG if spot or rng.random() < 0.5 else PositionSide.SHORT
    direction = 1 if side is PositionSide.LONG else -1
    # The move in the trade's favour (the provider's edge is its mean), at most ±8 %.
    favour = max(-0.08, min(0.08, rng.gauss(edge, 0.02)))
    exit_price = (entry_ticks + direction * int(entry_ticks * favour)) * instrument.tick
    cost = qty * entry
    # Taker fees on the opening and the closing fill, rounded as the paper venue does.
    fees = fee_for(instrument, cost, Liquidity.TAKER) + fee_for(
        instrument, qty * exit_price, Liquidity.TAKER
    )
    closed_at = START + timedelta(seconds=closed_second)
    held = timedelta(seconds=rng.randrange(60, 3 * _DAY_SECONDS))
    return Trade(
        account=account,
        symbol=symbol,
        side=side,
        qty=qty,
        entry_price=entry,
        exit_price=exit_price,
        cost=cost,
        pnl=(exit_price - entry) * qty * direction - fees,
        fees=fees,
        opened_at=max(START, closed_at - held),
        closed_at=closed_at,
        leverage=Decimal(leverage),
        is_spot=spot,
    )


def _size(rng: random.Random, symbol: str, notional: Decimal) -> tuple[int, int]:
    """(entry price in ticks, within ±10 % of the reference; whole lots worth ``notional``)."""
    instrument = INSTRUMENTS[symbol]
    entry_ticks = int(PRICES[symbol] / instrument.tick * rng.randrange(900, 1101) / 1000)
    return entry_ticks, int(notional / (entry_ticks * instrument.tick * instrument.lot_step))


def _followers(rng: random.Random, provider: str, most: int) -> list[FollowerRecord]:
    followers = []
    for number in range(rng.randint(0, most)):
        allocation = Decimal(rng.randrange(5, 101) * 100)
        # Copier PnL within ±20 % of the allocation, in whole cents.
        cents = int(allocation * 100) * rng.randrange(-20, 21) // 100
        roll = rng.random()
        status = "stopped" if roll < 0.1 else "paused" if roll < 0.15 else "active"
        followers.append(
            FollowerRecord(f"{provider}-f{number:02d}", allocation, Decimal(cents) / 100, status)
        )
    return followers
