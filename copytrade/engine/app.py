"""The copy engine assembled: venue fills in, copies out, prices and actions around it.

One object per process. ``pump`` runs the pipeline until it is quiet:
venue fills → books (and ProviderFilled into the outbox) → outbox relay → bus →
fan-out → venue → books. Everything is synchronous and deterministic, which is
what the simulator, the demo and the benchmark need; a broker-backed bus and
several workers replace the relay and the bus, not the steps (docs/engine.md).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.gc_pause import frozen_heap
from copytrade.adapters.venues.port import Venue
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.copying.exposure import at_max_loss
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.domain.copying.protections import Sweep, sweep_protections
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.ids import RelationshipId
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.domain.trades import Trade
from copytrade.engine.bookkeeping import BookKeeper
from copytrade.engine.bus import InProcessBus, MessageBus, RoutedBus
from copytrade.engine.commission import COMMISSION_DEBITS, VenueCommissions
from copytrade.engine.day_close import close_day
from copytrade.engine.execution import Checkpoints, Executor
from copytrade.engine.fanout import CopyFanout
from copytrade.engine.funding import FundingBooks
from copytrade.engine.ingest import FillIngestor
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.observer import FanoutObserver
from copytrade.engine.outbox_relay import OutboxRelay
from copytrade.engine.prices import PriceBook
from copytrade.engine.relationship_cache import RelationshipCache
from copytrade.engine.shards import all_shards
from copytrade.engine.stopping import STOPPED
from copytrade.engine.trigger_refresh import TriggerRefresh
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.engine.venue_cash import VENUE_CASH, VENUE_DEBIT, VenueCash
from copytrade.marketdata.clock import Clock

VENUE = "paper"
# The topics that carry the venue's side of committed ledger transfers.
CASH_TOPICS = (VENUE_CASH, VENUE_DEBIT, COMMISSION_DEBITS)


class EngineListener(Protocol):
    """Told what the engine recorded, after it is committed (e.g. the stats service)."""

    def on_trade_closed(self, provider_id: str, trade: Trade) -> None: ...

    def on_day_closed(self, day: date) -> None: ...


class Stops(Protocol):
    """What the pipeline asks of the following use case (``FollowerActions``), wired by
    the composition root: finish a stop, and stop the relationships at their max loss."""

    def finish_stop(self, rel_id: RelationshipId) -> bool: ...

    def stop_at_max_loss(self, rels: Sequence[CopyRelationship]) -> list[str]: ...

    def protect(self, sweep: Sweep) -> list[str]: ...

    def on_stopped(self, message_id: str, payload: Mapping[str, Any]) -> None: ...


class _NoStops:
    """Until the composition root attaches the use case: a stop fails loudly."""

    def finish_stop(self, rel_id: RelationshipId) -> bool:
        raise _unwired()

    def stop_at_max_loss(self, rels: Sequence[CopyRelationship]) -> list[str]:
        raise _unwired()

    def protect(self, sweep: Sweep) -> list[str]:
        raise _unwired()

    def on_stopped(self, message_id: str, payload: Mapping[str, Any]) -> None:
        raise _unwired()


FireProviderTriggers = Callable[[Sequence[tuple[str, str, ReasonCode]]], list[str]]


def _no_provider_triggers(closes: Sequence[tuple[str, str, ReasonCode]]) -> list[str]:
    raise _unwired()


def _unwired() -> RuntimeError:
    return RuntimeError("the engine's stops are not attached (build it with copytrade.bootstrap)")


class CopyEngine:
    # ``uow_factory`` is the SQL one: besides the pipeline (which sees it through its port,
    # ``PipelineUnitOfWork``) the engine still wires use cases that need the whole of it.
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: Venue,
        instruments: Mapping[str, Instrument],
        clock: Clock,
        checkpoints: Checkpoints = Checkpoints(),
        *,
        fees: FeeSettings = FeeSettings(),
        shards: int = 1,
        observers: Sequence[FanoutObserver] = (),
        opening: OpeningOrders = OpeningOrders.MARKET,
        live_books: Callable[[], Collection[str]] = frozenset,
        max_symbol_exposure: Decimal | None = None,
        fanout_bus: MessageBus | None = None,
        outbox_commits: Callable[[], int] | None = None,
    ) -> None:
        """``outbox_commits``: for an engine whose process is its database's only writer, the
        count of committed transactions that added outbox messages, which spares the relay
        its empty polls (``OutboxRelay``; docs/engine.md, "Idle pumps").
        ``fanout_bus``: a broker the provider fills are relayed to, for shard workers
        in other processes to fan out (docs/engine.md, "Workers"); this engine then fans
        out nothing itself. None (the default): every shard fans out here, in process.
        ``opening``: how ``venue`` takes opening copies (market on the paper venue, a
        limit at the tolerance price on a live one; docs/venues.md). ``live_books``: the
        books routed to a live exchange, whose openings are always such limits.
        ``max_symbol_exposure``: the platform's cap on one follower's notional in one symbol
        across its relationships (docs/domain.md, "Limits across providers"); none: off."""
        self.uow_factory = uow_factory
        self.venue = venue
        self.instruments = instruments
        self.clock = clock
        self.prices = PriceBook()
        self.bus = InProcessBus()
        self.relationships = RelationshipCache()
        self._providers: set[str] | None = None
        self.bookkeeper = BookKeeper(
            instruments, self._cash_account, VENUE, commission_pct=fees.commission_pct,
            live_books=live_books,
        )
        self.executor = Executor(
            venue, uow_factory, self.bookkeeper, clock.now, checkpoints=checkpoints
        )
        snapshot = self.prices.snapshot
        # One fan-out per shard, each a consumer of every provider fill (docs/engine.md
        # "Shards"); with one shard, ``fanout`` is the whole fan-out.
        self.fanouts = tuple(
            CopyFanout(
                uow_factory,
                instruments,
                self.relationships,
                self.executor,
                snapshot,
                clock.now,
                shard,
                observers,
                opening,
                live_books,
                max_symbol_exposure,
            )
            for shard in all_shards(shards)
        )
        self.fanout = self.fanouts[0]
        self.listeners: list[EngineListener] = []
        # Told each price the engine applies (symbol, price, time): the live alerts' feed.
        self.price_listeners: list[Callable[[str, Decimal, datetime], object]] = []
        # Told each moment's prices once, after they applied, in the unit of work of the
        # moment's max-loss sweep, which then commits: the recorded market that a what-if
        # replays (docs/whatif.md, "What is recorded"), with no transaction of its own.
        self.moment_recorders: list[
            Callable[[SqlUnitOfWork, Mapping[str, Decimal], datetime], object]
        ] = []
        self.ingestor = FillIngestor(
            venue,
            uow_factory,
            self.bookkeeper,
            self.provider_ids,
            snapshot,
            clock.now,
            on_provider_trades=self._provider_trades_closed,
        )
        self.fanout_bus = fanout_bus
        self.relay = OutboxRelay(
            uow_factory,
            self.bus if fanout_bus is None
            else RoutedBus(self.bus, fanout_bus, frozenset({PROVIDER_FILLED})),
            clock,
            outbox_commits=outbox_commits,
        )
        self.triggers = TriggerRefresh(venue, uow_factory, clock.now)
        self.venue_cash = VenueCash(venue, uow_factory, clock.now, checkpoints.before_venue_cash)
        self.funding = FundingBooks(venue, uow_factory, self._cash_account, VENUE)
        self.stops: Stops = _NoStops()
        self.fire_provider_triggers: FireProviderTriggers = _no_provider_triggers
        for fanout in self.fanouts if fanout_bus is None else ():
            self.bus.subscribe(PROVIDER_FILLED, fanout.handle)
        self.bus.subscribe(VENUE_CASH, self.venue_cash.handle)
        self.bus.subscribe(VENUE_DEBIT, self.venue_cash.handle)
        self.bus.subscribe(COMMISSION_DEBITS, VenueCommissions(venue).handle)
        self.bus.subscribe(STOPPED, self._on_stopped)

    def attach_stops(self, stops: Stops) -> None:
        """The use case that finishes stops and applies the max-loss rule (the
        composition root's ``FollowerActions``)."""
        self.stops = stops

    def attach_provider_triggers(self, fire: FireProviderTriggers) -> None:
        """The use case that closes a provider's position at its own trigger price (the
        composition root's ``ProviderTriggers.fire``; docs/domain.md, "The provider's
        stop-loss and take-profit")."""
        self.fire_provider_triggers = fire

    def _on_stopped(self, message_id: str, payload: Mapping[str, Any]) -> None:
        self.stops.on_stopped(message_id, payload)

    # --- the pipeline ----------------------------------------------------------

    def pump(self) -> None:
        """Run fills → books → messages → copies until nothing is left to do.

        The process's long-lived objects are kept out of the garbage collector's
        rescans meanwhile (``frozen_heap``): a fan-out allocates per copy, and the
        rescans of everything else alive cost about a quarter of its CPU time."""
        with frozen_heap():
            while self.ingestor.pump() + self.relay.relay_all() > 0:
                pass

    def recover(self) -> None:
        """Finish what a crash (or a venue outage) interrupted, in causal order
        (docs/engine.md, "Recovery"): the venue's side of committed cash moves first,
        since later orders may need that cash; then orders recorded but never
        answered, and the stops that waited for them; then every pending message
        (copies to fan out, stops to finish) until the pipeline is quiet."""
        self.relay.relay_all(CASH_TOPICS)
        with self.uow_factory() as uow:
            waiting = {o.book for o in uow.orders.unconfirmed() if o.relationship_id}
        # With shard workers, each recovers its own shard's copies (docs/engine.md "Workers").
        self.executor.recover(copies=lambda _rel: self.fanout_bus is None)
        for book in sorted(waiting):
            self.stops.finish_stop(RelationshipId(book))
        self.pump()

    def on_price(self, symbol: str, price: Decimal, ts: datetime) -> None:
        """A new price: fill crossed limit orders, copy them, then apply the max-loss rule."""
        self.on_prices({symbol: price}, ts)

    def on_prices(self, points: Mapping[str, Decimal], ts: datetime) -> None:
        """The prices of one moment, applied together before any check runs: crossed
        limit orders fill and are copied, then the max-loss rule sees every book
        marked at this moment's prices (docs/engine.md, "Max loss")."""
        self.venue.set_prices(points, ts)  # one venue transaction for the moment
        for symbol, price in points.items():
            self.prices.update(symbol, price, ts)
            for listener in self.price_listeners:
                listener(symbol, price, ts)
        self.pump()
        # A trigger the moment fired into a refusal has no fill to tell us (docs/venues.md).
        self.triggers.refresh(points.keys())
        self._enforce_max_loss(points.keys(), (points, ts) if points else None)

    def on_funding(self, symbol: str, rate: Decimal, ts: datetime) -> int:
        """A funding time of ``symbol`` (docs/domain.md "Funding"): the venue pays it, the
        books record it, then the liquidations it caused are booked and the max-loss rule
        runs. How many payments were made."""
        payments = self.funding.apply(symbol, rate, ts)
        self.pump()
        self.enforce_max_loss([symbol])
        return len(payments)

    def enforce_max_loss(self, symbols: Collection[str] | None = None) -> list[str]:
        """Stop every relationship holding one of ``symbols`` (or anything) whose
        drawdown reached its max loss (docs/domain.md, Copying); their stops are finished too."""
        return self._enforce_max_loss(symbols, None)

    def _enforce_max_loss(
        self,
        symbols: Collection[str] | None,
        moment: tuple[Mapping[str, Decimal], datetime] | None,
    ) -> list[str]:
        """``moment``: the prices just applied, for the recorders, in the sweep's unit of
        work (then committed)."""
        # The sweep reads plain values and does the arithmetic alone; only the relationships
        # it finds at the limit are loaded whole and stopped (which values them again).
        spot = {symbol: i.is_spot for symbol, i in self.instruments.items()}
        prices = self.prices.snapshot()
        with self.uow_factory() as uow:
            # The providers' trigger prices are read once: their own closes (in
            # ``symbols``) and the prices every copy of them mirrors, by (provider, symbol).
            triggered = uow.positions.triggered()
            mirrored = {(book, h.symbol): h.mirrored for book, h in triggered if h.mirrored}
            if symbols is not None:
                triggered = [(book, held) for book, held in triggered if held.symbol in symbols]
            exposures = uow.relationships.exposures(symbols, mirrored)
            found = at_max_loss(exposures, spot, prices)
            rels = [uow.relationships.get(rel_id) for rel_id in found]
            if moment is not None and self.moment_recorders:
                for record in self.moment_recorders:
                    record(uow, *moment)
                uow.commit()
        hit = self.stops.stop_at_max_loss(rels) if rels else []
        # The follower's own protections, on the same marks (docs/domain.md, "Follower
        # protections"); a relationship just stopped at its max loss is skipped by the sweep.
        # The providers' own trigger prices too: the copies mirroring them close first, so
        # the provider's close that follows finds them closed (``no_position``).
        fired = sweep_protections(exposures, spot, prices, triggered)
        acted = self.stops.protect(fired) if fired else []
        if fired.provider_closes:
            acted += self.fire_provider_triggers(fired.provider_closes)
        if hit or acted:
            self.pump()
        return hit

    def stop_at_max_loss(self, rel_ids: list[str]) -> None:
        """Stop the relationships a settlement's debit took to their max loss
        (the settlement's ``at_max_loss`` hook, wired by the composition root)."""
        with self.uow_factory() as uow:
            rels = [uow.relationships.get(rel_id) for rel_id in rel_ids]
        self.stops.stop_at_max_loss([r for r in rels if r.state.mirrors_closes])

    def close_day(self, day: date) -> int:
        """Mark every book's equity at the day's last prices (the daily equity series)."""
        with self.uow_factory() as uow:
            count = close_day(uow, day, self.prices.snapshot(), self.provider_ids)
            uow.commit()
        for listener in self.listeners:
            listener.on_day_closed(day)
        return count

    def _provider_trades_closed(self, trades: list[Trade]) -> None:
        for trade in trades:
            for listener in self.listeners:
                listener.on_trade_closed(str(trade.account), trade)

    # --- accounts ----------------------------------------------------------------

    def provider_ids(self, uow: PipelineUnitOfWork) -> set[str]:
        """Provider accounts, cached; read through the caller's open unit of work."""
        if self._providers is None:
            self._providers = uow.accounts.provider_ids()
        return self._providers

    def forget_providers(self) -> None:
        self._providers = None

    def forget_cached(self) -> None:
        """Drop what this process cached of rows other processes may change (the
        relationships copied and the provider accounts): with several API servers on one
        database, each unit of work starts from the rows (docs/deploy.md, "API servers")."""
        self.relationships.invalidate()
        self.forget_providers()

    def _cash_account(self, uow: PipelineUnitOfWork, book: str) -> LedgerAccount:
        if book in self.provider_ids(uow):
            return LedgerAccount.follower_free(book)
        return LedgerAccount.allocation_cash(book)
