"""The demo's followers: names, deposits and a varied mix of copy settings.

Every number is drawn from the ``random.Random`` the caller passes, so one
seed gives one population. The mix is chosen so the demo shows each rule of
docs/domain.md, Copying at work: the three sizing modes, tight and loose max-loss stops,
open-trade limits, slippage tolerances, whitelists, followers who keep their
positions on stop, and a few who set their own leverage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from copytrade.demo.providers import ProviderSpec
from copytrade.domain.copying.settings import CopySettings, SizingMode
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import FollowerId, ProviderId
from copytrade.domain.values import ONE, round_down

D = Decimal
# fmt: off
_FIRST = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kai", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wei", "Xenia", "Yusuf", "Zoe",
)
# fmt: on
_LAST_INITIALS = "ABCDEFGHIJKLMNOPRSTVWZ"
_MULTIPLIERS = tuple(D(m) for m in ("0.5", "1.5", "2", "3"))
_MAX_LOSS_PCTS = tuple(D(p) for p in (10, 15, 20, 20, 25, 30, 50))
_MAX_OPEN_TRADES = (1, 2, 3, 5, 10, 10)
_SLIPPAGE_PCTS = tuple(D(p) for p in ("0.5", "1", "1", "2"))
_MAX_PER_TRADE_PCTS = tuple(D(p) for p in (25, 50, 100, 100, 100))
_OWN_LEVERAGES = tuple(D(x) for x in (1, 2, 5))


@dataclass(frozen=True, slots=True)
class FollowerSpec:
    """A follower as the demo creates it; ``deposit`` is its free cash (USDT)."""

    id: FollowerId
    name: str
    deposit: Decimal


@dataclass(frozen=True, slots=True)
class RelationshipSpec:
    """``follower`` copies ``provider`` with ``allocation`` USDT of its deposit."""

    follower: FollowerId
    provider: ProviderId
    allocation: Decimal
    settings: CopySettings

    def __post_init__(self) -> None:
        if self.allocation <= 0:
            raise InvalidValueError(
                f"{self.follower} allocation to {self.provider} must be positive, "
                f"got {self.allocation}"
            )


def follower(rng: random.Random, index: int) -> FollowerSpec:
    """Follower number ``index``: a name and a deposit of 200..20,000 USDT in 50s."""
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST_INITIALS)}."
    return FollowerSpec(FollowerId(f"f-{index:04d}"), name, D(rng.randrange(200, 20_001, 50)))


def copy_settings(
    rng: random.Random, mode: SizingMode, allocation: Decimal, provider: ProviderSpec
) -> CopySettings:
    """A validated, varied ``CopySettings`` in ``mode`` for ``allocation`` on ``provider``."""
    fixed_amount = None
    if mode is SizingMode.FIXED_AMOUNT:
        # 5-25 % of the allocation per provider order, whole USDT, at least 10.
        fixed_amount = max(D(10), round_down(allocation * rng.randint(5, 25) / 100, ONE))
    roll = rng.random()
    # A whitelist of one of the provider's symbols: on a two-symbol provider
    # it shows `symbol_not_allowed` skips for the other.
    whitelist = frozenset({rng.choice(provider.symbols)}) if roll < 0.15 else frozenset()
    return CopySettings(
        mode=mode,
        fixed_amount=fixed_amount,
        multiplier=rng.choice(_MULTIPLIERS) if mode is SizingMode.MULTIPLIER else D(1),
        leverage=rng.choice(_OWN_LEVERAGES) if rng.random() < 0.1 else None,
        max_per_trade_pct=rng.choice(_MAX_PER_TRADE_PCTS),
        max_open_trades=rng.choice(_MAX_OPEN_TRADES),
        max_loss_pct=rng.choice(_MAX_LOSS_PCTS),
        slippage_pct=rng.choice(_SLIPPAGE_PCTS),
        whitelist=whitelist,
        close_on_stop=rng.random() >= 0.2,
    )
