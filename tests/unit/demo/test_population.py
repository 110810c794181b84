from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from copytrade.demo import (
    DEMO_INSTRUMENTS,
    BotStyle,
    Gambler,
    MeanReverter,
    SpotHolder,
    TrendFollower,
    demo_population,
    demo_symbol_specs,
)
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import FollowerId
from copytrade.marketdata import SyntheticFeed

POP = demo_population(42)


def test_same_seed_same_population_other_seed_another() -> None:
    assert demo_population(42) == POP
    other = demo_population(43)
    assert other != POP
    assert [f.deposit for f in other.followers] != [f.deposit for f in POP.followers]


def test_seed_42_is_pinned() -> None:
    # Pinned so that a change to the draws (or to Python's generator) shows:
    # a recorded demo must come out the same on every machine.
    def text(*values: object) -> tuple[str, ...]:
        return tuple(str(value) for value in values)

    assert [text(p.id, p.share_pct, p.deposit) for p in POP.providers] == [
        ("p-trend", "15", "27000"),
        ("p-wave", "5", "13000"),
        ("p-revert", "8", "17000"),
        ("p-yolo", "8", "3000"),
        ("p-hodl", "15", "67000"),
    ]
    first, last = POP.followers[0], POP.followers[-1]
    assert text(first.id, first.name, first.deposit) == ("f-0001", "Rosa C.", "15300")
    assert text(last.id, last.name, last.deposit) == ("f-0300", "Priya W.", "18400")
    r = POP.relationships[0]
    assert text(r.follower, r.provider, r.allocation) == ("f-0001", "p-revert", "10404")
    assert text(r.settings.mode, r.settings.max_loss_pct) == ("multiplier", "10")
    assert len(POP.relationships) == 352


def test_default_size_and_unique_ids() -> None:
    assert len(POP.followers) == 300
    assert len({f.id for f in POP.followers}) == 300
    assert len({p.id for p in POP.providers}) == len(POP.providers) == 5
    pairs = [(r.follower, r.provider) for r in POP.relationships]
    assert len(set(pairs)) == len(pairs)  # nobody copies the same provider twice


def test_every_style_is_a_provider_and_has_followers() -> None:
    assert {p.style for p in POP.providers} == set(BotStyle)
    followed = Counter(r.provider for r in POP.relationships)
    assert all(followed[p.id] >= 10 for p in POP.providers)


def test_every_copy_settings_is_valid_and_rebuilds_equal() -> None:
    for relationship in POP.relationships:
        settings = relationship.settings
        values = {f.name: getattr(settings, f.name) for f in fields(CopySettings) if f.init}
        assert CopySettings(**values) == settings  # validation passes again


def test_settings_are_varied() -> None:
    settings = [r.settings for r in POP.relationships]
    modes = Counter(s.mode for s in settings)
    assert set(modes) == set(SizingMode)
    assert max(modes.values()) - min(modes.values()) <= 1  # dealt round-robin
    assert len({s.max_loss_pct for s in settings}) >= 5
    assert len({s.max_open_trades for s in settings}) >= 4
    assert len({s.slippage_pct for s in settings}) >= 3
    assert 20 <= sum(1 for s in settings if s.whitelist) <= 100
    assert 30 <= sum(1 for s in settings if not s.close_on_stop) <= 110
    assert any(s.leverage is not None for s in settings)
    assert {s.multiplier for s in settings if s.mode is SizingMode.MULTIPLIER} > {Decimal(2)}


def test_money_fits_the_deposits() -> None:
    deposits = {f.id: f.deposit for f in POP.followers}
    allocated: dict[FollowerId, Decimal] = {}
    for r in POP.relationships:
        allocated[r.follower] = allocated.get(r.follower, Decimal(0)) + r.allocation
        if r.settings.fixed_amount is not None:
            assert 10 <= r.settings.fixed_amount <= r.allocation
    for follower, total in allocated.items():
        assert 0 < total <= deposits[follower] * Decimal("0.8")
    assert set(allocated) == set(deposits)  # every follower copies someone


def test_whitelists_name_the_providers_symbols() -> None:
    providers = {p.id: p for p in POP.providers}
    for r in POP.relationships:
        assert r.settings.whitelist <= set(providers[r.provider].symbols)


def test_bots_match_the_styles_and_instruments() -> None:
    expected = {
        BotStyle.TREND: TrendFollower,
        BotStyle.MEAN_REVERSION: MeanReverter,
        BotStyle.GAMBLER: Gambler,
        BotStyle.SPOT_HOLDER: SpotHolder,
    }
    bots = POP.bots()
    for provider in POP.providers:
        bot = bots[provider.id]
        assert isinstance(bot, expected[provider.style])
        assert bot.symbols == provider.symbols
        assert 0 <= provider.share_pct <= 30 and provider.avatar_letter == provider.display_name[0]
    assert POP.bots()[POP.providers[0].id] is not bots[POP.providers[0].id]  # fresh each call


def test_instruments_and_feed_specs_agree() -> None:
    by_symbol = {i.symbol: i for i in DEMO_INSTRUMENTS}
    assert set(by_symbol) == {"BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT", "BTC/USDT"}
    for instrument in DEMO_INSTRUMENTS:
        if instrument.is_spot:
            assert (instrument.maker_fee, instrument.taker_fee) == (Decimal("0.001"),) * 2
        else:
            assert (instrument.maker_fee, instrument.taker_fee) == (
                Decimal("0.0002"),
                Decimal("0.00055"),
            )
            assert instrument.max_leverage >= 20  # the gambler's leverage is allowed
    specs = demo_symbol_specs()
    assert POP.symbol_specs == specs
    assert {s.symbol: s.tick for s in specs} == {s: i.tick for s, i in by_symbol.items()}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for tick in SyntheticFeed(42, specs, start, timedelta(hours=1), 50):
        assert tick.price % by_symbol[tick.symbol].tick == 0


def test_a_small_population_still_has_every_mode() -> None:
    small = demo_population(1, followers=3)
    assert len(small.followers) == 3
    assert {r.settings.mode for r in small.relationships} == set(SizingMode)


@pytest.mark.parametrize(("seed", "followers"), [(1, 0), (1, -5), ("1", 10), (True, 10)])
def test_bad_arguments_are_refused(seed: object, followers: int) -> None:
    with pytest.raises(InvalidValueError):
        demo_population(seed, followers)  # type: ignore[arg-type]
