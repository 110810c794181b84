"""A small platform for engine tests: one perp and one spot market, helpers to act."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.bootstrap import build_platform
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.ids import AccountId, ClientOrderId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.instruments import Instrument, InstrumentKind, Side
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.domain.values import USDT
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.platform import Platform

START = datetime(2026, 1, 5, tzinfo=UTC)
PERP = Instrument(
    symbol="BTC/USDT:USDT",
    kind=InstrumentKind.PERP,
    base="BTC",
    quote=USDT,
    tick=D("0.1"),
    lot_step=D("0.001"),
    min_qty=D("0.001"),
    min_notional=D("5"),
    max_qty=D("100"),
    maker_fee=D("0.0002"),
    taker_fee=D("0.0005"),
    max_leverage=D("50"),
)
SPOT = Instrument(
    symbol="ETH/USDT",
    kind=InstrumentKind.SPOT,
    base="ETH",
    quote=USDT,
    tick=D("0.01"),
    lot_step=D("0.0001"),
    min_qty=D("0.0001"),
    min_notional=D("5"),
    max_qty=D("1000"),
    maker_fee=D("0.001"),
    taker_fee=D("0.001"),
)


class Harness:
    def __init__(
        self, db: Engine, fees: FeeSettings = FeeSettings(), perp: Instrument = PERP
    ) -> None:
        """``perp``: the perp market, e.g. ``PERP`` with margin rules (docs/domain.md)."""
        clock = SimulatedClock(START)
        self.instruments = (perp, SPOT)
        self._drive(build_platform(db, list(self.instruments), clock, fees=fees), clock)

    @classmethod
    def over(cls, platform: Platform, clock: SimulatedClock) -> Harness:
        """A harness that drives a platform built elsewhere (an API server's) on its clock."""
        harness = cls.__new__(cls)
        harness.instruments = tuple(platform.engine.instruments.values())
        harness._drive(platform, clock)
        return harness

    def _drive(self, platform: Platform, clock: SimulatedClock) -> None:
        self.clock = clock
        self.platform = platform
        self.engine = platform.engine
        self._orders = 0

    def tick(self, symbol: str, price: str, minutes: int = 1) -> None:
        self.clock.advance(timedelta(minutes=minutes))
        self.engine.on_price(symbol, D(price), self.clock.now())

    def provider(
        self, name: str, deposit: str, share_pct: str = "10", **terms: object
    ) -> ProviderId:
        account = AccountId(name)
        self.platform.accounts.register(account, name)
        self.platform.accounts.make_provider(ProviderTerms(name, D(share_pct), **terms))  # type: ignore[arg-type]
        self.platform.accounts.deposit(account, D(deposit), key=f"dep:{name}")
        return ProviderId(name)

    def follower(self, name: str, deposit: str) -> FollowerId:
        account = AccountId(name)
        self.platform.accounts.register(account, name)
        self.platform.accounts.deposit(account, D(deposit), key=f"dep:{name}")
        return FollowerId(name)

    def follow(
        self, follower: FollowerId, provider: ProviderId, allocation: str, **settings: object
    ) -> RelationshipId:
        rel = RelationshipId(f"{follower}:{provider}")
        copy_settings = CopySettings(mode=settings.pop("mode", SizingMode.PROPORTIONAL), **settings)  # type: ignore[arg-type]
        self.platform.actions.follow(rel, follower, provider, D(allocation), copy_settings)
        return rel

    def trade(
        self,
        provider: ProviderId,
        side: str,
        qty: str,
        symbol: str = PERP.symbol,
        leverage: str = "1",
    ) -> None:
        self._orders += 1
        self.platform.provider_orders.place(
            provider,
            ClientOrderId(f"{provider}-{self._orders}"),
            symbol,
            Side(side),
            D(qty),
            leverage=D(leverage),
        )
        self.engine.pump()
