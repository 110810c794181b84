"""``build_platform``: the only place that builds the platform on a migrated database:
the paper venue (routed to live exchange accounts where a relationship is live), the copy
engine and the use cases around it, each given the ports it names (docs/engine.md,
"Layers")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import OutboxCommits, SqlUnitOfWork
from copytrade.adapters.memory.uow import MemoryUnitOfWork
from copytrade.adapters.venues.paper.block import block_fill_id
from copytrade.adapters.venues.paper.seeding import TakenSeed
from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.adapters.venues.port import Venue
from copytrade.adapters.venues.routing import RoutedVenue
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.domain.instruments import Instrument
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.domain.values import USDT
from copytrade.engine.app import CopyEngine
from copytrade.engine.block import BlockDesk
from copytrade.engine.bus import MessageBus
from copytrade.engine.commission import LIVE_COMMISSION_OWED
from copytrade.engine.execution import Checkpoints
from copytrade.engine.observer import FanoutObserver
from copytrade.engine.provider_watch import WatchUnitOfWork
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.marketdata.clock import Clock
from copytrade.service_layer.accounts import AccountService
from copytrade.service_layer.alerts.delivery import DeliveryQueue
from copytrade.service_layer.block_execution import BlockSettings
from copytrade.service_layer.following.actions import FollowerActions
from copytrade.service_layer.live_fees import LiveFees
from copytrade.service_layer.platform import DEFAULT_MAX_COPIED_PROVIDERS, Platform
from copytrade.service_layer.price_record import record_moment
from copytrade.service_layer.provider_orders import ProviderOrders
from copytrade.service_layer.provider_triggers import ProviderTriggers
from copytrade.service_layer.settlement.service import SettlementService
from copytrade.service_layer.subscriptions import SubscriptionBilling

# The SQL unit of work is the one the copy pipeline runs on, the in-memory one its unit
# tests use: mypy checks here that both satisfy the pipeline's port (docs/engine.md,
# "The unit of work port").
PIPELINE_UNIT_OF_WORK: type[PipelineUnitOfWork] = SqlUnitOfWork
MEMORY_UNIT_OF_WORK: type[PipelineUnitOfWork] = MemoryUnitOfWork
WATCH_UNIT_OF_WORK: type[WatchUnitOfWork] = SqlUnitOfWork


def build_platform(
    db: Engine,
    instruments: Iterable[Instrument],
    clock: Clock,
    platform_fee_pct: Decimal = Decimal(2),
    checkpoints: Checkpoints = Checkpoints(),
    fees: FeeSettings = FeeSettings(),
    shards: int = 1,
    observers: Sequence[FanoutObserver] = (),
    opening: OpeningOrders = OpeningOrders.MARKET,
    live_routes: Mapping[str, Venue] | None = None,
    record_prices: bool = True,
    max_copied_providers: int = DEFAULT_MAX_COPIED_PROVIDERS,
    max_symbol_exposure: Decimal | None = None,
    fanout_bus: MessageBus | None = None,
    block_execution: bool = False,
    only_writer: bool = False,
    venue_seed: TakenSeed | None = None,
) -> Platform:
    """Wire everything on a migrated database; stores the instruments it trades.

    ``live_routes`` maps the books of live relationships to the venue of their
    follower's exchange account (``Container.live_routes``); every other book trades
    on the paper venue (docs/venues.md, "Followers on their own accounts").

    ``opening`` is how opening copies are sent: market orders on the paper venue (the
    default); a live venue takes them as limits at the tolerance price
    (``CcxtVenue.OPENING``, docs/venues.md "Orders on a live exchange").

    ``record_prices`` keeps every price the engine applies (``price_marks``), the
    market a what-if replays; a what-if's own sandbox leaves it off (docs/whatif.md).

    ``only_writer``: this platform is its database's only writer (a what-if's scratch
    platform, docs/whatif.md): its units of work count their commits that add outbox
    messages, and the relay does not poll an outbox nothing was added to since it was
    found empty (docs/engine.md, "Idle pumps").

    ``venue_seed``: a what-if's replay only: where the paper venue's walks of a depleting
    book start (docs/whatif.md, "A shared, depleting book").

    ``fanout_bus``: a broker (JetStream) the provider fills are relayed to for the shard
    workers; None, the default, fans them out in this process (docs/engine.md, "Workers").

    ``block_execution``: the platform's setting, which a provider's own overrides
    (docs/engine.md "Block execution"); blocks need the fan-out in this process.

    The copy engine names the ports it needs (the venue, units of work, its stops);
    the use cases are built on the engine's parts and attached here.
    """
    by_symbol = {i.symbol: i for i in instruments}
    session_factory = make_session_factory(db)
    with SqlUnitOfWork(session_factory, by_symbol) as uow:
        uow.instruments.save(by_symbol.values())
        uow.commit()

    outbox_commits = OutboxCommits() if only_writer else None

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, by_symbol, outbox_commits)

    paper = PaperVenue(db, by_symbol.values(), clock.now, venue_seed)
    venue = RoutedVenue(paper, live_routes, clock.now)
    engine = CopyEngine(
        uow_factory,
        venue,
        by_symbol,
        clock,
        checkpoints,
        fees=fees,
        shards=shards,
        observers=observers,
        opening=opening,
        live_books=venue.live_books,
        max_symbol_exposure=max_symbol_exposure,
        fanout_bus=fanout_bus,
        outbox_commits=None if outbox_commits is None else lambda: outbox_commits.count,
    )
    if record_prices:
        engine.moment_recorders.append(record_moment)
    # Alert firings are queued for the owner's channels when the engine relays them.
    engine.bus.subscribe(ALERT_FIRED, DeliveryQueue(uow_factory, clock.now).handle)
    prices = engine.prices.snapshot
    settlements = SettlementService(uow_factory, venue, prices, clock.now, platform_fee_pct)
    settlements.at_max_loss = engine.stop_at_max_loss
    actions = FollowerActions(
        uow_factory,
        engine.executor,
        engine.relationships,
        venue,
        engine.venue_cash,
        settlements,
        prices,
        clock.now,
    )
    engine.attach_stops(actions)
    # Live relationships' fees come from the platform balance (docs/settlement.md).
    live_fees = LiveFees(
        uow_factory, settlements.settle, engine.relationships.invalidate, clock.now
    )
    engine.bus.subscribe(LIVE_COMMISSION_OWED, live_fees.on_commission_owed)
    settlements.on_paused = engine.relationships.invalidate
    subscriptions = SubscriptionBilling(
        uow_factory,
        clock.now,
        fees.subscription_platform_cut_pct,
        engine.venue_cash,
        lambda account: venue.withdrawable(account, USDT.code),
        engine.relationships.invalidate,
    )
    accounts = AccountService(
        uow_factory, venue, engine.venue_cash, clock.now, engine.forget_providers
    )
    blocks = BlockSettings(uow_factory, block_execution, offered=fanout_bus is None)
    orders = _provider_orders(uow_factory, engine, venue, blocks)
    triggers = ProviderTriggers(uow_factory, orders, prices, clock.now)
    engine.attach_provider_triggers(triggers.fire)
    return Platform(
        engine, accounts, orders, actions, settlements, subscriptions, venue, clock, triggers,
        max_copied_providers, blocks,
    )


def _provider_orders(
    uow_factory: Callable[[], SqlUnitOfWork],
    engine: CopyEngine,
    venue: RoutedVenue,
    settings: BlockSettings,
) -> ProviderOrders:
    """The providers' orders, as blocks where the setting says (docs/engine.md "Block
    execution"); none where the fan-out runs in shard workers."""
    now = engine.clock.now
    if engine.fanout_bus is not None:
        return ProviderOrders(uow_factory, venue, now)
    desk = BlockDesk(
        venue, uow_factory, engine.fanouts, engine.executor, block_fill_id,
        engine.prices.snapshot, venue.live_books, now, settings.enabled,
    )
    engine.executor.blocks = desk
    return ProviderOrders(uow_factory, venue, now, desk, settings.enabled)
