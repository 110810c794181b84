"""The whole platform on one database: the copy engine and the use cases around it.

Built only by the composition root (``copytrade.bootstrap.build_platform``); it is
the object the simulator, the demo, the server and the benchmarks drive.
"""

from __future__ import annotations

from dataclasses import dataclass

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.port import Venue
from copytrade.engine.app import CopyEngine
from copytrade.marketdata.clock import Clock
from copytrade.service_layer.accounts import AccountService
from copytrade.service_layer.block_execution import BlockSettings
from copytrade.service_layer.following.actions import FollowerActions
from copytrade.service_layer.provider_orders import ProviderOrders
from copytrade.service_layer.provider_triggers import ProviderTriggers
from copytrade.service_layer.settlement.service import SettlementService
from copytrade.service_layer.subscriptions import SubscriptionBilling

# How many providers one follower may copy at once (docs/api.md, Rules a follow must pass).
DEFAULT_MAX_COPIED_PROVIDERS = 20


@dataclass(frozen=True)
class Platform:
    engine: CopyEngine
    accounts: AccountService
    provider_orders: ProviderOrders
    actions: FollowerActions
    settlements: SettlementService
    subscriptions: SubscriptionBilling
    venue: Venue
    clock: Clock
    provider_triggers: ProviderTriggers
    max_copied_providers: int = DEFAULT_MAX_COPIED_PROVIDERS
    # The block-execution setting, the platform's and each provider's (docs/engine.md).
    blocks: BlockSettings | None = None

    def resume_prices(self) -> None:
        """A restarted process has no price feed yet: start from the venue's last prices."""
        now = self.clock.now()
        for symbol, price in self.venue.prices().items():
            self.engine.prices.update(symbol, price, now)

    def recover(self) -> None:
        """Finish what a crash or a venue outage left undone (docs/engine.md "Recovery").

        Every entry point that writes calls this before anything else, and
        ``copytrade serve`` again periodically.
        """
        self.engine.recover()

    def uow(self) -> SqlUnitOfWork:
        return self.engine.uow_factory()
