"""What a follower does with a copy relationship: follow, pause, resume, stop,
top up, withdraw, close a position by hand (docs/domain.md).

Each action is one unit of work on the platform's books (the money side in
allocation_cash.py, protection closes in copy_closes.py); orders it needs are
recorded as intents in that transaction and sent after the commit, like copies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.db.repositories.settings_changes import SettingsChange
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.port import Venue
from copytrade.domain.copying import (
    CopyRelationship,
    CopySettings,
    Paused,
    RelationshipState,
    Resumed,
    StopReason,
    max_loss_reached,
)
from copytrade.domain.copying.edits import edit_settings
from copytrade.domain.copying.protections import Sweep
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.errors import InvalidTransitionError
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.ledger import allocate, release
from copytrade.domain.profit_share import HighWatermark
from copytrade.domain.values import USDT, ZERO, Money
from copytrade.engine.books import BookState, load_books
from copytrade.engine.execution import Executor, request_for
from copytrade.engine.relationship_cache import RelationshipCache
from copytrade.engine.stopping import STOPPED, close_intents, stop, stop_notifications
from copytrade.engine.venue_cash import VenueCash
from copytrade.service_layer.following.allocation_cash import (
    CopyActionError,
    allocation_moves,
    release_moves,
    with_money,
)
from copytrade.service_layer.following.copy_closes import close_copies, record_firing
from copytrade.service_layer.following.open_positions import plan_open_positions
from copytrade.service_layer.settlement.service import SettlementService


def release_on_stop_key(rel_id: RelationshipId) -> str:
    """The ledger key of the transfer that hands a stopped relationship's cash back."""
    return f"release-on-stop:{rel_id}"


# Checks and records of the layer above (docs/api.md, Rules a follow must pass: jurisdiction rules,
# follower caps,
# the risk acknowledgement), run in the action's own transaction on the relationship
# as it will be stored: raising refuses the action and nothing is written.
Within = Callable[[SqlUnitOfWork, CopyRelationship], None]


class FollowerActions:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        executor: Executor,
        cache: RelationshipCache,
        venue: Venue,
        cash: VenueCash,
        settlements: SettlementService,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
    ) -> None:
        self._settlements = settlements
        self._uow_factory = uow_factory
        self._executor = executor
        self._cache = cache
        self._venue = venue
        self._cash = cash
        self._prices = prices
        self._now = now

    def follow(
        self,
        rel_id: RelationshipId,
        follower: FollowerId,
        provider: ProviderId,
        allocation: Decimal,
        settings: CopySettings,
        risk_acknowledged: bool = True,
        within: Within | None = None,
    ) -> CopyRelationship:
        if not risk_acknowledged:
            raise CopyActionError(
                "copying needs the follower's risk acknowledgement "
                "(docs/api.md, Rules a follow must pass)"
            )
        now = self._now()
        hwm = HighWatermark.start(allocation)
        follower_venue_cash = self._venue_cash_of_free_balance(str(follower))
        with self._uow_factory() as uow:
            if not uow.accounts.exists(str(follower)):
                raise CopyActionError(f"there is no account {follower!r} to copy for")
            if (
                not uow.accounts.exists(str(provider))
                or str(provider) not in uow.accounts.provider_ids()
            ):
                raise CopyActionError(f"{provider} is not a provider that can be copied")
            for rel in uow.relationships.for_follower(str(follower)):
                if rel.provider == provider and rel.state.mirrors_closes:
                    raise CopyActionError(
                        f"{follower} already copies {provider} ({rel.id}); top it up instead"
                    )
            rel = CopyRelationship(
                id=rel_id,
                follower=follower,
                provider=provider,
                settings=settings,
                state=RelationshipState(),
                net_allocated=allocation,
                hwm=hwm.hwm,
                owed=ZERO,
                created_at=now,
                risk_acknowledged_at=now if risk_acknowledged else None,
            )
            uow.relationships.add(rel)
            if within is not None:
                within(uow, rel)
            key = f"allocate:{rel_id}"
            uow.ledger.post(
                allocate(AccountId(follower), rel_id, Money(allocation, USDT), key=key, ts=now)
            )
            moves = allocation_moves(uow, rel, allocation, key, follower_venue_cash, now)
            uow.equity.add_flow(rel.book, now.date(), allocation)
            intents: list[OrderIntent] = []
            if settings.copy_open_positions:
                decisions, intents = plan_open_positions(uow, rel, self._prices(), now)
                uow.decisions.add_many(decisions)
                uow.orders.add_intents(intents)
            uow.commit()
        self._cash.apply_now(moves)
        self._cache.invalidate(str(provider))
        self._executor.execute([request_for(i, i.reduce_only) for i in intents])
        return rel

    def edit_settings(
        self, rel_id: RelationshipId, changes: Mapping[str, Any], within: Within | None = None
    ) -> CopyRelationship:
        """Change some copy settings (docs/domain.md, "Editing copy settings"): validated
        like a follow's, recorded with the time, effective from the next copy; the copies
        already open keep the size and leverage they were opened with."""
        now = self._now()
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)
            if not rel.state.mirrors_closes:
                raise CopyActionError(f"{rel_id} is stopped: its settings no longer change")
            settings, changed = edit_settings(rel.settings, changes)
            if not changed:
                return rel
            rel = replace(rel, settings=settings)
            if within is not None:
                within(uow, rel)
            uow.relationships.save(rel, now)
            if "trailing_stop_pct" in changed:
                uow.relationships.clear_peak(str(rel_id))  # the trail starts at the next mark
            uow.settings_changes.add(SettingsChange(str(rel.id), str(rel.follower), changed, now))
            uow.commit()
        self._cache.invalidate(str(rel.provider))
        return rel

    def pause(self, rel_id: RelationshipId) -> CopyRelationship:
        return self._transition(rel_id, Paused())

    def resume(self, rel_id: RelationshipId) -> CopyRelationship:
        return self._transition(rel_id, Resumed())

    def _transition(self, rel_id: RelationshipId, event: Paused | Resumed) -> CopyRelationship:
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True).apply(event)
            uow.relationships.save(rel, self._now())
            uow.commit()
        self._cache.invalidate(str(rel.provider))
        return rel

    def stop(
        self,
        rel_id: RelationshipId,
        reason: StopReason = StopReason.FOLLOWER,
        close_on_stop: bool | None = None,
        fired: ReasonCode | None = None,
    ) -> None:
        """Stop copying: close positions where asked, settle profit share at the stop
        (docs/domain.md, Profit share), then return the free cash to the follower's balance.

        ``close_on_stop`` given here replaces the relationship's setting for this stop;
        ``fired`` names the follower protection that stopped it (its closes are then
        recorded as decisions with that reason, and the follower is told).
        Stopping a relationship whose stop a crash interrupted finishes that stop;
        stopping one whose stop is complete is refused.
        """
        now = self._now()
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)  # vs a settlement
            stopped_before = not rel.state.mirrors_closes
            if not stopped_before:
                if close_on_stop is not None and close_on_stop != rel.settings.close_on_stop:
                    settings = replace(rel.settings, close_on_stop=close_on_stop)
                    rel = replace(rel, settings=settings)
                book = load_books(uow, [rel])[rel.book]
                stopped, intents = stop(rel, reason, book, now)
                uow.relationships.save(stopped, now)
                uow.outbox.add_many(STOPPED, stop_notifications(stopped, now), now)
                if fired is not None:
                    record_firing(uow, rel, fired, intents, self._prices(), now)
                uow.orders.add_intents(intents)
                uow.commit()
        if stopped_before:
            if not self.finish_stop(rel_id):
                raise InvalidTransitionError(f"{rel_id} is stopped already")
            return
        self._cache.invalidate(str(rel.provider))
        self._executor.execute([request_for(i, i.reduce_only) for i in intents])
        self.finish_stop(rel_id)

    def finish_stop(self, rel_id: RelationshipId) -> bool:
        """The rest of a stop, each step once ever: settle profit share at the stop, then
        return the free cash to the follower (docs/engine.md, "Stopped relationships").

        Run right after the stop, again when the stop's message is delivered, and by
        recovery, so a crash anywhere in a stop (whoever raised it: the follower, a
        price update or the gate) leaves nothing unsettled or stranded. While the
        stop's closing orders wait for the venue's answer it waits too: recovery
        finishes it once they are answered. True when it did something now.
        """
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id)
            waiting = bool(uow.orders.unconfirmed_of_book(rel.book))
        if rel.state.mirrors_closes or waiting:
            return False
        period = f"stop:{rel.state.stop_reason}"
        settled = self._settlements.settle(rel_id, period) is not None
        return self.release_free_cash(rel_id) > ZERO or settled

    def stop_at_max_loss(self, rels: Sequence[CopyRelationship]) -> list[str]:
        """Stop (reason ``max_loss``) each relationship whose drawdown reached its limit,
        marked at the current prices; the ids stopped."""
        prices = self._prices()
        with self._uow_factory() as uow:
            books = load_books(uow, rels)
        hit = [
            rel
            for rel in rels
            if max_loss_reached(
                books[rel.book].value(prices).equity, rel.net_allocated, rel.settings.max_loss_pct
            )
        ]
        for rel in hit:
            self.stop(rel.id, StopReason.MAX_LOSS)
        return [str(rel.id) for rel in hit]

    def protect(self, sweep: Sweep) -> list[str]:
        """Act on what a mark fired (docs/domain.md, "Follower protections"): store the
        trailing stops' new peaks, stop the relationships a take-profit or trailing stop
        reached, and close the single copies at their stop-loss or take-profit; the ids
        of the relationships acted on."""
        now = self._now()
        if sweep.peaks:
            with self._uow_factory() as uow:
                uow.relationships.set_peaks(sweep.peaks, now)
                uow.commit()
        for rel_id, reason in sweep.stops:
            try:
                self.stop(RelationshipId(rel_id), StopReason(reason.value), fired=reason)
            except InvalidTransitionError:
                continue  # stopped since the sweep read it (another stop came first)
        closing: dict[str, list[tuple[str, ReasonCode]]] = {}
        for rel_id, symbol, reason in sweep.closes:
            closing.setdefault(rel_id, []).append((symbol, reason))
        for rel_id, closes in closing.items():
            close_copies(
                self._uow_factory, self._executor, self._prices(), RelationshipId(rel_id), closes,
                now,
            )
        return [rel_id for rel_id, _ in sweep.stops] + list(closing)

    def on_stopped(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """The outbox consumer of a stop's message to the follower: finish the stop."""
        if "relationship" in payload:
            self.finish_stop(RelationshipId(str(payload["relationship"])))

    def release_free_cash(self, rel_id: RelationshipId) -> Decimal:
        """Return a stopped relationship's free cash (less any owed share) to the follower,
        once: the amount released, 0 when there was nothing to release or it was done."""
        now = self._now()
        venue_cash = self._venue.withdrawable(str(rel_id), USDT.code)
        with self._uow_factory() as uow:
            if uow.ledger.transfer(release_on_stop_key(rel_id)) is not None:
                return ZERO
            rel = uow.relationships.get(rel_id, for_update=True)
            book = load_books(uow, [rel])[rel.book]
            amount = HighWatermark(rel.hwm, rel.owed).withdrawable(min(book.cash, venue_cash))
            if amount <= ZERO:
                return ZERO
            moves = release_moves(uow, rel, amount, release_on_stop_key(rel_id), now)
            # Like a withdrawal: copier PnL stays equity − net allocation after the stop.
            uow.relationships.save(replace(rel, net_allocated=rel.net_allocated - amount), now)
            uow.commit()
        self._cash.apply_now(moves)
        return amount

    def top_up(
        self, rel_id: RelationshipId, amount: Decimal, key: str, within: Within | None = None
    ) -> CopyRelationship:
        now = self._now()
        with self._uow_factory() as uow:
            follower = str(uow.relationships.get(rel_id).follower)
        follower_venue_cash = self._venue_cash_of_free_balance(follower)
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)  # vs a settlement
            if not rel.state.mirrors_closes:
                raise CopyActionError(f"{rel_id} is stopped: start a new copy instead")
            if uow.live.account_of(str(rel_id)) is not None:
                raise CopyActionError(
                    f"{rel_id} copies on the follower's own exchange account: its allocation "
                    "is that account's money, which the platform cannot move; it is not "
                    "topped up (docs/venues.md, \"Followers on their own accounts\")"
                )
            hwm = HighWatermark(rel.hwm, rel.owed).top_up(amount)
            transfer = allocate(
                AccountId(rel.follower), rel_id, Money(amount, USDT), key=key, ts=now
            )
            if uow.ledger.post(transfer).replayed:
                return rel
            moves = allocation_moves(uow, rel, amount, key, follower_venue_cash, now)
            uow.equity.add_flow(rel.book, now.date(), amount)
            rel = with_money(rel, rel.net_allocated + amount, hwm)
            if within is not None:
                within(uow, rel)
            uow.relationships.save(rel, now)
            uow.commit()
        self._cash.apply_now(moves)
        self._cache.invalidate(str(rel.provider))
        return rel

    def withdraw(self, rel_id: RelationshipId, amount: Decimal, key: str) -> CopyRelationship:
        """Take cash out of the allocation: at most its free cash (docs/domain.md, Profit share),
        which the
        venue counts net of unrealized perp losses; the HWM scales down with it."""
        now = self._now()
        venue_cash = self._venue.withdrawable(str(rel_id), USDT.code)
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)  # vs a settlement
            moved = release(rel.id, AccountId(rel.follower), Money(amount, USDT), key=key, ts=now)
            if uow.ledger.already_posted(moved):  # the same key and amount: made already
                return rel
            book = load_books(uow, [rel])[rel.book]
            equity = self._equity(rel, book)
            free = min(book.cash, venue_cash)
            hwm = HighWatermark(rel.hwm, rel.owed).withdraw(amount, equity, free)
            moves = release_moves(uow, rel, amount, key, now)
            rel = with_money(rel, rel.net_allocated - amount, hwm)
            uow.relationships.save(rel, now)
            uow.commit()
        self._cash.apply_now(moves)
        self._cache.invalidate(str(rel.provider))
        self.stop_at_max_loss([rel])  # a withdrawal changes the drawdown too (docs/engine.md)
        return rel

    def manual_close(self, rel_id: RelationshipId, symbol: str) -> None:
        """Close one copied position by hand; it is detached from the provider's (docs/domain.md,
        Copying)."""
        now = self._now()
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id)
            book = load_books(uow, [rel])[rel.book]
            stored = book.positions.get(symbol)
            if stored is None or stored.position.is_flat:
                raise CopyActionError(f"{rel_id} holds no {symbol} position to close")
            only = BookState(book.cash, {symbol: stored})
            intents = close_intents(rel, only, f"manual:{now.isoformat()}", now)
            stored.detached = True
            uow.positions.save_many([stored])
            uow.orders.add_intents(intents)
            uow.commit()
        self._executor.execute([request_for(i, i.reduce_only) for i in intents])

    def _venue_cash_of_free_balance(self, account: str) -> Decimal:
        """What the account could take out of its own venue account now (a provider's
        free balance lives there; others have none). Read before the unit of work: the
        venue's own transaction would wait for our write lock on SQLite."""
        return self._venue.withdrawable(account, USDT.code)

    def _equity(self, rel: CopyRelationship, book: BookState) -> Decimal:
        return book.value(self._prices()).equity
