"""The copy pipeline assembled on the in-memory unit of work and venue (no database).

The same classes as ``CopyEngine`` wires (bookkeeper, executor, fan-out per shard,
ingestor, outbox relay, bus), built over ``copytrade/adapters/memory``; helpers seed a provider
and followers with their money in the ledger, and build a provider fill's message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from copytrade.adapters.memory.uow import MemoryStore
from copytrade.adapters.memory.venue import MemoryVenue
from copytrade.domain.copying import CopyRelationship, CopySettings, RelationshipState, SizingMode
from copytrade.domain.ids import AccountId, FillId, FollowerId, OrderId, ProviderId, RelationshipId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount, allocate, deposit
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.values import USDT, Money, Price, Quantity
from copytrade.engine.bookkeeping import BookKeeper
from copytrade.engine.bus import InProcessBus
from copytrade.engine.execution import Executor, RetryPolicy
from copytrade.engine.fanout import CopyFanout
from copytrade.engine.ingest import FillIngestor
from copytrade.engine.messages import PROVIDER_FILLED, ProviderFilled
from copytrade.engine.outbox_relay import OutboxRelay
from copytrade.engine.relationship_cache import RelationshipCache
from copytrade.engine.shards import all_shards
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.marketdata.clock import SimulatedClock

from ..domain.fills_factory import PERP

START = datetime(2026, 1, 5, tzinfo=UTC)
PROVIDER = ProviderId("prov")
VENUE = "paper"


class MemoryPipeline:
    def __init__(self, shards: int = 1, retry: RetryPolicy = RetryPolicy()) -> None:
        self.clock = SimulatedClock(START)
        self.instruments = {PERP.symbol: PERP}
        self.store = MemoryStore(self.instruments)
        self.venue = MemoryVenue(self.instruments, self.clock.now)
        self.prices: dict[str, D] = {}
        self.slept: list[float] = []
        self.bookkeeper = BookKeeper(self.instruments, self._cash_account, VENUE)
        self.executor = Executor(
            self.venue,
            self.store.unit_of_work,
            self.bookkeeper,
            self.clock.now,
            retry=retry,
            sleep=self.slept.append,
        )
        self.relationships = RelationshipCache()
        self.fanouts = [
            CopyFanout(
                self.store.unit_of_work,
                self.instruments,
                self.relationships,
                self.executor,
                lambda: dict(self.prices),
                self.clock.now,
                shard,
            )
            for shard in all_shards(shards)
        ]
        self.bus = InProcessBus()
        for fanout in self.fanouts:
            self.bus.subscribe(PROVIDER_FILLED, fanout.handle)
        self.relay = OutboxRelay(self.store.unit_of_work, self.bus, self.clock)
        self.ingestor = FillIngestor(
            self.venue,
            self.store.unit_of_work,
            self.bookkeeper,
            lambda uow: uow.accounts.provider_ids(),
            lambda: dict(self.prices),
            self.clock.now,
        )
        self.store.state.providers.add(str(PROVIDER))
        self.store.post(
            deposit(AccountId(str(PROVIDER)), Money(D(10000), USDT), key="dep:prov", ts=START)
        )
        self.set_price(D(50000))

    def _cash_account(self, uow: PipelineUnitOfWork, book: str) -> LedgerAccount:
        if book in uow.accounts.provider_ids():
            return LedgerAccount.follower_free(book)
        return LedgerAccount.allocation_cash(book)

    def set_price(self, price: D) -> None:
        self.prices[PERP.symbol] = price
        self.venue.set_price(PERP.symbol, price, self.clock.now())

    def follow(
        self, name: str, allocation: str = "1000", *, cash: str | None = None, **settings: object
    ) -> CopyRelationship:
        """A follower copying the provider: ``allocation`` is its net allocation and,
        unless ``cash`` says otherwise, the cash in its book."""
        rel_id = RelationshipId(f"{name}:{PROVIDER}")
        mode = settings.pop("mode", SizingMode.PROPORTIONAL)
        rel = CopyRelationship(
            id=rel_id,
            follower=FollowerId(name),
            provider=PROVIDER,
            settings=CopySettings(mode=mode, **settings),  # type: ignore[arg-type]
            state=RelationshipState(),
            net_allocated=D(allocation),
            hwm=D(allocation),
            owed=D(0),
            created_at=START,
        )
        self.store.add_relationship(rel)
        amount = Money(D(cash if cash is not None else allocation), USDT)
        self.store.post(deposit(AccountId(name), amount, key=f"dep:{name}", ts=START))
        self.store.post(allocate(AccountId(name), rel_id, amount, key=f"alloc:{name}", ts=START))
        self.relationships.invalidate()
        return rel

    def provider_fill(
        self, side: Side, qty: str, *, number: int = 1, position_before: str = "0"
    ) -> ProviderFilled:
        """The message the ingestor writes for a provider's fill (equity 10,000 USDT)."""
        price = self.prices[PERP.symbol]
        fill = Fill(
            fill_id=FillId(f"prov-fill-{number}"),
            order_id=OrderId(f"prov-order-{number}"),
            client_order_id=None,
            account=AccountId(str(PROVIDER)),
            symbol=PERP.symbol,
            side=side,
            qty=Quantity(D(qty)),
            price=Price(price),
            fee=D(0),
            liquidity=Liquidity.TAKER,
            ts=self.clock.now(),
        )
        return ProviderFilled(
            provider=PROVIDER,
            fill=fill,
            order_qty=D(qty),
            position_before=D(position_before),
            equity_before=D(10000),
            leverage=D(1),
        )

    def handle(self, event: ProviderFilled) -> None:
        """Deliver the message to every shard's fan-out, as the bus does."""
        for fanout in self.fanouts:
            fanout.handle(event.message_id, event.to_payload())

    def cash(self, rel: CopyRelationship) -> D:
        return self.store.balance(LedgerAccount.allocation_cash(rel.book))

    def ledger_sums(self) -> dict[str, D]:
        return self.store.state.ledger.sum_by_currency()
