"""The demo's bot providers: who they are, how they trade, and their bots."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from copytrade.demo.bots import Bot, Gambler, MeanReverter, SpotHolder, TrendFollower
from copytrade.demo.bots.gambler import MIN_MOVE_PCT
from copytrade.demo.bots.spot_holder import DIP_PCT, TAKE_PROFIT_PCT
from copytrade.demo.bots.trend import BAND_PCT
from copytrade.demo.instruments import BTC_PERP, BTC_SPOT, ETH_PERP, SOL_PERP
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ProviderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, percent


class BotStyle(StrEnum):
    TREND = "trend"
    MEAN_REVERSION = "mean_reversion"
    GAMBLER = "gambler"
    SPOT_HOLDER = "spot_holder"


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """A bot provider as the demo creates it; ``deposit`` is its starting cash (USDT)."""

    id: ProviderId
    display_name: str
    avatar_letter: str
    avatar_color: str
    style: BotStyle
    share_pct: Decimal
    deposit: Decimal
    symbols: tuple[str, ...]

    def __post_init__(self) -> None:
        percent(self.share_pct, f"{self.id} share_pct", low=0, high=30)
        if self.deposit <= 0:
            raise InvalidValueError(f"{self.id} deposit must be positive, got {self.deposit}")


# (id, name, avatar colour, style, symbols, deposit range in thousands).
# Two trend followers on different markets, so the leaderboard has a pair to compare.
_PROVIDERS = (
    ("p-trend", "Trend Rider", "#2563eb", BotStyle.TREND, (BTC_PERP, ETH_PERP), (20, 60)),
    ("p-wave", "Wave Surfer", "#0891b2", BotStyle.TREND, (SOL_PERP,), (5, 20)),
    (
        "p-revert",
        "Mean Machine",
        "#7c3aed",
        BotStyle.MEAN_REVERSION,
        (ETH_PERP, SOL_PERP),
        (10, 40),
    ),
    ("p-yolo", "YOLO 20x", "#dc2626", BotStyle.GAMBLER, (SOL_PERP,), (2, 10)),
    ("p-hodl", "Steady Stacker", "#16a34a", BotStyle.SPOT_HOLDER, (BTC_SPOT,), (20, 80)),
)
_SHARE_PCTS = tuple(Decimal(p) for p in (5, 8, 10, 10, 12, 15, 20))


def demo_providers(rng: random.Random) -> tuple[ProviderSpec, ...]:
    """The five providers; share percent and deposit drawn from ``rng``."""
    providers = []
    for pid, name, color, style, symbols, (low, high) in _PROVIDERS:
        providers.append(
            ProviderSpec(
                id=ProviderId(pid),
                display_name=name,
                avatar_letter=name[0],
                avatar_color=color,
                style=style,
                share_pct=rng.choice(_SHARE_PCTS),
                deposit=Decimal(rng.randint(low, high) * 1000),
                symbols=symbols,
            )
        )
    return tuple(providers)


def build_bot(
    provider: ProviderSpec, instruments: Mapping[str, Instrument], scale: Decimal = ONE
) -> Bot:
    """A fresh bot of the provider's style on its symbols' instruments.

    ``scale`` multiplies the bot's price-move thresholds (percent bands, moves, dips and
    take-profits; a z-score needs none): a bot fed ticks k times as often sees moves
    √k times smaller, so a served demo scales them by √k to keep the bot's character.
    """
    traded = [instruments[symbol] for symbol in provider.symbols]
    if provider.style is BotStyle.TREND:
        return TrendFollower(traded, band_pct=BAND_PCT * scale)
    if provider.style is BotStyle.MEAN_REVERSION:
        return MeanReverter(traded)
    if provider.style is BotStyle.GAMBLER:
        return Gambler(traded, min_move_pct=MIN_MOVE_PCT * scale)
    (spot,) = traded
    return SpotHolder(spot, dip_pct=DIP_PCT * scale, take_profit_pct=TAKE_PROFIT_PCT * scale)
