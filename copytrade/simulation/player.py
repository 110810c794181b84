"""Playing a scenario's timeline on a real platform, one item at a time.

Prices move the simulated clock and reach the engine; every event becomes
the platform call a user or a provider would make. Before the clock enters a
new UTC day, every day it leaves is closed (the daily equity series).

A refusal only the run can discover (a withdrawal above the allocation's free
cash, an action on a relationship the max-loss rule stopped, a follow larger
than the free balance) is a ``DomainError``: it is recorded as a ``RunError``
and the run goes on, as the platform would answer that user and carry on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId
from copytrade.domain.orders import OrderStatus
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.following.service import (
    check_min_allocation,
    check_platform_limits,
)
from copytrade.service_layer.platform import Platform
from copytrade.simulation.scenario import (
    ChargeSubscriptions,
    Deposit,
    EditSettings,
    Event,
    Follow,
    Funding,
    ManualClose,
    Pause,
    PricePoint,
    ProviderOrder,
    ProviderTriggers,
    Resume,
    Scenario,
    Settle,
    Stop,
    TimelineItem,
    TopUp,
    Withdraw,
)

_ONE_DAY = timedelta(days=1)
# Event class -> the ``type`` the scenario file calls it (for the errors list).
EVENT_TYPES: dict[type, str] = {
    ProviderOrder: "order",
    Follow: "follow",
    Pause: "pause",
    Resume: "resume",
    Stop: "stop",
    TopUp: "top_up",
    Withdraw: "withdraw",
    ManualClose: "manual_close",
    EditSettings: "edit_settings",
    Settle: "settle",
    ChargeSubscriptions: "charge_subscriptions",
    Deposit: "deposit",
    Funding: "funding",
    ProviderTriggers: "tp_sl",
}


class ProviderOrderRejectedError(DomainError):
    """The venue refused a provider's order (size, minimums, balance...)."""


@dataclass(frozen=True, slots=True)
class RunError:
    """An event the platform refused during the run; the run went on without it."""

    event: int  # index in the file's ``events``
    type: str
    at: datetime
    message: str


def settlement_period(event: Settle) -> str:
    """A settle event's period key: its time, so the same time never settles twice."""
    return event.at.isoformat()


class ScenarioPlayer:
    def __init__(self, scenario: Scenario, platform: Platform, clock: SimulatedClock) -> None:
        self._scenario = scenario
        self._platform = platform
        self._engine = platform.engine
        self._clock = clock
        self._day = clock.now().date()
        self.errors: list[RunError] = []

    def open_accounts(self) -> None:
        """Register the scenario's providers and followers with their first deposits."""
        accounts = self._platform.accounts
        for provider in self._scenario.providers:
            account = AccountId(provider.id)
            accounts.register(account, provider.name)
            terms = ProviderTerms(
                provider.id,
                provider.share_pct,
                provider.subscription_price,
                settlement_period=provider.settlement.value,
                fee_model=provider.fee_model.value,
                min_allocation=provider.min_allocation,
            )
            accounts.make_provider(terms)
            blocks = self._platform.blocks
            if provider.block_execution is not None and blocks is not None:
                blocks.set(provider.id, provider.block_execution)
            if provider.deposit > 0:
                accounts.deposit(account, provider.deposit, key=f"deposit:{account}:initial")
        for follower in self._scenario.followers:
            account = AccountId(follower.id)
            accounts.register(account, follower.name)
            if follower.deposit > 0:
                accounts.deposit(account, follower.deposit, key=f"deposit:{account}:initial")

    def play(self, item: TimelineItem) -> None:
        if isinstance(item, PricePoint):
            self._move_to(item.ts)
            self._engine.on_prices({t.symbol: t.price for t in item.ticks}, item.ts)
            return
        self._move_to(item.at)
        try:
            self._apply(item)
        except DomainError as error:
            self.errors.append(RunError(item.index, EVENT_TYPES[type(item)], item.at, str(error)))

    def finish(self) -> date:
        """Close the last day; returns it (the day the statistics are as of)."""
        self._engine.close_day(self._day)
        return self._day

    def _move_to(self, at: datetime) -> None:
        while at.date() > self._day:
            self._engine.close_day(self._day)
            self._day += _ONE_DAY
        self._clock.set(at)

    def _apply(self, event: Event) -> None:
        actions = self._platform.actions
        if isinstance(event, ProviderOrder):
            answer = self._platform.provider_orders.place(
                event.provider,
                event.client_order_id,
                event.symbol,
                event.side,
                event.qty,
                event.order_type,
                event.price,
                event.leverage,
                event.reduce_only,
                event.terms,
            )
            if answer.status is OrderStatus.REJECTED:
                # Recorded with the order too; listed here so a typo'd size is not missed.
                raise ProviderOrderRejectedError(
                    f"the venue rejected {event.client_order_id}: {answer.reason}"
                )
        elif isinstance(event, Follow):
            limit = self._platform.max_copied_providers
            actions.follow(
                event.relationship, event.follower, event.provider, event.allocation,
                event.settings, within=lambda uow, rel: check_platform_limits(uow, rel, limit),
            )  # fmt: skip
        elif isinstance(event, Pause):
            actions.pause(event.relationship)
        elif isinstance(event, Resume):
            actions.resume(event.relationship)
        elif isinstance(event, Stop):
            actions.stop(event.relationship)
        elif isinstance(event, TopUp):
            actions.top_up(event.relationship, event.amount, key=f"top_up:events[{event.index}]")
        elif isinstance(event, Withdraw):
            actions.withdraw(
                event.relationship, event.amount, key=f"withdraw:events[{event.index}]"
            )
        elif isinstance(event, ManualClose):
            actions.manual_close(event.relationship, event.symbol)
        elif isinstance(event, EditSettings):
            changes = dict(event.changes)
            actions.edit_settings(event.relationship, changes, within=check_min_allocation)
        elif isinstance(event, Settle):
            self._platform.settlements.settle_all(settlement_period(event))
        elif isinstance(event, ChargeSubscriptions):
            self._platform.subscriptions.charge_due(event.at)
        elif isinstance(event, Funding):
            self._engine.on_funding(event.symbol, event.rate, event.at)
        elif isinstance(event, ProviderTriggers):
            triggers = PositionTriggers(event.stop_loss, event.take_profit)
            self._platform.provider_triggers.set(str(event.provider), event.symbol, triggers)
        else:
            key = f"deposit:{event.account}:events[{event.index}]"
            self._platform.accounts.deposit(event.account, event.amount, key=key)
        # Fills of what was just placed, and the copies they cause.
        self._engine.pump()
