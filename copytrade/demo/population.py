"""``demo_population``: the providers, followers and relationships of ``copytrade demo``."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from copytrade.demo.bots import Bot
from copytrade.demo.followers import FollowerSpec, RelationshipSpec, copy_settings, follower
from copytrade.demo.instruments import DEMO_INSTRUMENTS, demo_symbol_specs
from copytrade.demo.providers import ProviderSpec, build_bot, demo_providers
from copytrade.domain.copying.settings import SizingMode
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ProviderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, round_down
from copytrade.marketdata.specs import SymbolSpec

# How many followers pick each provider, relative to one another: the safe
# trend follower is the most popular, the gambler draws a crowd anyway.
_POPULARITY = {"p-trend": 30, "p-wave": 15, "p-revert": 20, "p-yolo": 20, "p-hodl": 15}
_TWO_PROVIDERS_SHARE = 0.2  # of followers who split their deposit over two providers


@dataclass(frozen=True, slots=True)
class DemoPopulation:
    seed: int
    providers: tuple[ProviderSpec, ...]
    followers: tuple[FollowerSpec, ...]
    relationships: tuple[RelationshipSpec, ...]
    instruments: tuple[Instrument, ...]
    symbol_specs: tuple[SymbolSpec, ...]

    @property
    def instruments_by_symbol(self) -> Mapping[str, Instrument]:
        return {instrument.symbol: instrument for instrument in self.instruments}

    def bots(self, scale: Decimal = ONE) -> dict[ProviderId, Bot]:
        """A fresh bot for every provider (bots hold state: one set per run); ``scale``:
        see ``build_bot``."""
        by_symbol = self.instruments_by_symbol
        return {provider.id: build_bot(provider, by_symbol, scale) for provider in self.providers}


def demo_population(seed: int, followers: int = 300) -> DemoPopulation:
    """The demo's population, the same for the same ``seed`` on every run."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidValueError(f"seed must be an integer, got {seed!r}")
    if isinstance(followers, bool) or not isinstance(followers, int) or followers < 1:
        raise InvalidValueError(f"followers must be a positive integer, got {followers!r}")
    rng = random.Random(seed)
    providers = demo_providers(rng)
    people = tuple(follower(rng, index) for index in range(1, followers + 1))
    picks = [_chosen_providers(rng, providers) for _ in people]
    # Modes dealt round-robin, then shuffled: every mode appears once there
    # are three relationships, and in near-equal numbers.
    modes = [list(SizingMode)[i % len(SizingMode)] for i in range(sum(map(len, picks)))]
    rng.shuffle(modes)
    relationships = []
    for person, chosen in zip(people, picks, strict=True):
        # 20-80 % of the deposit is allocated, split evenly over the providers.
        share = person.deposit * rng.randint(20, 80) / 100 / len(chosen)
        allocation = round_down(share, ONE)
        for provider in chosen:
            settings = copy_settings(rng, modes.pop(), allocation, provider)
            relationships.append(RelationshipSpec(person.id, provider.id, allocation, settings))
    return DemoPopulation(
        seed=seed,
        providers=providers,
        followers=people,
        relationships=tuple(relationships),
        instruments=DEMO_INSTRUMENTS,
        symbol_specs=demo_symbol_specs(),
    )


def _chosen_providers(
    rng: random.Random, providers: tuple[ProviderSpec, ...]
) -> tuple[ProviderSpec, ...]:
    weights = [_POPULARITY[provider.id] for provider in providers]
    first = rng.choices(providers, weights)[0]
    if rng.random() >= _TWO_PROVIDERS_SHARE:
        return (first,)
    others = [p for p in providers if p is not first]
    second = rng.choices(others, [_POPULARITY[p.id] for p in others])[0]
    return (first, second)
