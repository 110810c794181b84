"""Reading a provider's recorded history from the live database, in one read-only
unit of work (docs/whatif.md, "What is recorded")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.repositories.price_marks import Moment
from copytrade.adapters.db.repositories.recorded import SettlementRun
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.engine.messages import ProviderFilled
from copytrade.whatif.request import WhatIfRequest


@dataclass(frozen=True, slots=True)
class ProviderRecord:
    """Everything a what-if replays: the provider's terms and name, the prices in
    force at the start, every recorded moment's prices, the provider's fill
    announcements and its followers' periodic settlements, from the start on."""

    terms: ProviderTerms
    name: str
    opening_prices: dict[str, Decimal]
    moments: list[Moment]
    fills: list[ProviderFilled]
    settlements: list[SettlementRun]

    @property
    def symbols(self) -> set[str]:
        return {event.fill.symbol for event in self.fills}


def read_history(
    uow_factory: Callable[[], SqlUnitOfWork], request: WhatIfRequest
) -> ProviderRecord:
    with uow_factory() as uow:
        # An unknown provider raises UnknownAccountError (a 404 at the API).
        terms = uow.accounts.terms(request.provider)
        name = uow.accounts.display_name(request.provider)
        start, until = request.start, request.until
        payloads = uow.recorded.provider_fills(request.provider, start, until)
        fills = [ProviderFilled.from_payload(p) for p in payloads]
        symbols = {event.fill.symbol for event in fills}
        return ProviderRecord(
            terms=terms,
            name=name,
            opening_prices=uow.price_marks.latest_before(symbols, start),
            moments=uow.price_marks.moments(symbols, start, until) if symbols else [],
            fills=fills,
            settlements=uow.recorded.settlement_runs(request.provider, start, until),
        )
