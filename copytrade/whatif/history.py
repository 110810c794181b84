"""Reading a provider's recorded history from the live database, in one read-only
unit of work (docs/whatif.md, "What is recorded")."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.repositories.price_marks import Moment
from copytrade.adapters.db.repositories.recorded import FundingTime, SettlementRun
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.profit_share.periods import boundaries_between, parse_kind, periods_ending
from copytrade.engine.messages import ProviderFilled
from copytrade.whatif.depth import DepthRecord
from copytrade.whatif.request import MAX_FILLS, WhatIfError, WhatIfRequest, check_window


def scheduled_runs(kind: str, after: datetime, until: datetime) -> list[SettlementRun]:
    """The settlement runs a server would have made in ``(after, until]`` for a provider
    settling ``kind`` (weekly/monthly): one at each of its period ends, for that period."""
    period_kind = parse_kind(kind)
    return [
        SettlementRun(period.id, end)
        for end in boundaries_between(after, until)
        for period in periods_ending(end)
        if period.kind is period_kind
    ]


@dataclass(frozen=True, slots=True)
class ProviderRecord:
    """Everything a what-if replays: the provider's terms and name, the prices in
    force at the start, every recorded moment's prices, the provider's fill
    announcements, its followers' periodic settlements and the funding paid on its
    symbols, from the start on."""

    terms: ProviderTerms
    name: str
    opening_prices: dict[str, Decimal]
    moments: list[Moment]
    fills: list[ProviderFilled]
    settlements: list[SettlementRun]
    settlements_scheduled: bool = False  # no recorded run in the window: period ends used
    funding: tuple[FundingTime, ...] = ()
    depth: DepthRecord | None = None  # its symbols with a depth model: what was taken


def read_history(
    uow_factory: Callable[[], SqlUnitOfWork],
    request: WhatIfRequest,
    max_fills: int = MAX_FILLS,
    depth_symbols: Collection[str] = (),
    block_execution: bool = False,
) -> ProviderRecord:
    """The record, refused when the window is too long or holds more than ``max_fills``
    provider fills (docs/whatif.md, "Limits"). ``depth_symbols``: the instruments with a
    depth model; ``block_execution``: the platform's setting (a provider's own overrides it)."""
    with uow_factory() as uow:
        # An unknown provider raises UnknownAccountError (a 404 at the API).
        terms = uow.accounts.terms(request.provider)
        name = uow.accounts.display_name(request.provider)
        start, until = request.start, request.until
        payloads = uow.recorded.provider_fills(request.provider, start, until, max_fills + 1)
        if len(payloads) > max_fills:
            raise WhatIfError(
                f"a what-if replays at most {max_fills:,} provider fills, and this window has "
                "more: ask for a shorter one (docs/whatif.md, \"Limits\")"
            )
        fills = [ProviderFilled.from_payload(p) for p in payloads]
        symbols = {event.fill.symbol for event in fills}
        if until is None:
            # Where the record ends: its last fill, or a later price of its symbols.
            ends = [fills[-1].fill.ts] if fills else []
            ends.extend(uow.price_marks.last_times(symbols))
            check_window(start, max([start, *ends]), asked=False)
        opening = uow.price_marks.latest_before(symbols, start)
        moments = uow.price_marks.moments(symbols, start, until) if symbols else []
        runs = uow.recorded.settlement_runs(request.provider, start, until)
        funding = uow.recorded.funding_times(symbols, start, until) if symbols else []
        _check_in_place_of(uow, request)
        shared = symbols & set(depth_symbols)
        depth = _depth(uow, request, shared, moments, block_execution) if shared else None
    last = max([start, *(m[0] for m in moments), *(e.fill.ts for e in fills)])
    scheduled = not runs
    if scheduled:
        runs = scheduled_runs(terms.settlement_period, start, until or last)
    return ProviderRecord(
        terms=terms,
        name=name,
        opening_prices=opening,
        moments=moments,
        fills=fills,
        settlements=runs,
        settlements_scheduled=scheduled,
        funding=tuple(funding),
        depth=depth,
    )


def _check_in_place_of(uow: SqlUnitOfWork, request: WhatIfRequest) -> None:
    if request.in_place_of is None:
        return
    rel = uow.relationships.get(request.in_place_of)  # unknown: UnknownRelationshipError
    if str(rel.provider) != request.provider:
        raise WhatIfError(
            f"relationship {request.in_place_of!r} copies {rel.provider}, not "
            f"{request.provider}: a what-if takes the place of one of the provider's own"
        )


def _depth(
    uow: SqlUnitOfWork,
    request: WhatIfRequest,
    symbols: set[str],
    moments: list[Moment],
    block_execution: bool,
) -> DepthRecord:
    """What the recorded run took of the books with a depth model (docs/whatif.md,
    "A shared, depleting book"), from the price moment in force at the start on."""
    opening = uow.price_marks.times_before(symbols, request.start)
    times: dict[str, set[datetime]] = {symbol: set() for symbol in symbols}
    for symbol, at in opening.items():
        times[symbol].add(at)
    for at, prices in moments:
        for symbol in symbols & prices.keys():
            times[symbol].add(at)
    since = min([request.start, *opening.values()])
    own = uow.accounts.block_execution(request.provider)
    blocks: set[str] = set()
    if block_execution if own is None else own:
        blocks = uow.recorded.market_order_fills(request.provider, request.start, request.until)
    return DepthRecord(
        price_times={symbol: tuple(sorted(at)) for symbol, at in times.items()},
        taker_fills=tuple(uow.recorded.taker_fills(symbols, since, request.until)),
        block_fills=frozenset(blocks),
    )
