"""The schemas of the discovery answers: the leaderboard page and a provider's page."""

from __future__ import annotations

from copytrade.api.wire import Day, Money, Out, Timestamp, wire_model
from copytrade.domain.statistics import Period
from copytrade.stats.leaderboard import LeaderboardSort, ProviderCard

CardOut = wire_model(ProviderCard)
# A period's full figures on a provider's page: the card's and four more.
StatsOut = wire_model(
    ProviderCard,
    max_loss_single_trade=(Money | None, ...),
    avg_holding_s=(int | None, ...),
    volatility=(Money | None, ...),
    ranked=(bool, ...),
    unranked_reasons=(list[str], ...),
)


class LeaderboardOut(Out):
    period: Period
    sort: LeaderboardSort
    page: int
    page_size: int
    pages: int
    total: int
    cards: list[CardOut]  # type: ignore[valid-type]
    disclaimer: str


class PublicTermsOut(Out):
    fee_model: str
    share_pct: Money
    subscription_price: Money | None
    follower_cap: int | None
    settlement_period: str
    min_allocation: Money | None
    followers: int
    open_to_new_followers: bool


class CurvePoint(Out):
    day: Day
    value: Money


class TradeOut(Out):
    symbol: str
    side: str
    qty: Money
    entry_price: Money
    exit_price: Money
    pnl: Money
    pnl_pct: Money
    fees: Money
    leverage: Money
    opened_at: Timestamp
    closed_at: Timestamp


class TradesPage(Out):
    page: int
    page_size: int
    items: list[TradeOut]


class ProviderOut(Out):
    id: str
    display_name: str
    terms: PublicTermsOut
    stats: dict[str, StatsOut]  # type: ignore[valid-type]
    equity_curve: list[CurvePoint]
    trades: TradesPage
    disclaimer: str
