"""Building a Scenario from its checked file shape: domain objects and cross-checks.

The domain's own constructors validate (``Instrument``, ``Currency``,
``percent``, the typed ids), so the file format accepts exactly what the
engine accepts; ``Where.domain`` turns their errors into field paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from copytrade.domain.depth import BookDepth
from copytrade.domain.ids import FollowerId, ProviderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.margin_tiers import MarginTier
from copytrade.domain.profit_share.fee_model import FeeTerms, parse_fee_model
from copytrade.domain.values import Currency, Price, percent
from copytrade.marketdata.ticks import PriceTick
from copytrade.simulation.scenario.build_alerts import alert_rules, risk_rules
from copytrade.simulation.scenario.build_csv import csv_funding, csv_price_points
from copytrade.simulation.scenario.build_events import EventBuilder, Known
from copytrade.simulation.scenario.events import Funding
from copytrade.simulation.scenario.model import (
    FollowerSpec,
    ProviderSpec,
    Scenario,
    SettlementPeriod,
)
from copytrade.simulation.scenario.problems import Where
from copytrade.simulation.scenario.schema import (
    InstrumentDoc,
    PriceCsvDoc,
    PricePointDoc,
    ScenarioDoc,
)

MAX_SHARE_PCT = 30
# The platform's own account in RESULT.json balances: no user may take the name.
RESERVED_ACCOUNT_IDS = frozenset({"platform"})
_INSTRUMENT_FIELDS = frozenset(InstrumentDoc.model_fields)


def build_scenario(doc: ScenarioDoc, where: Where) -> Scenario:
    with where.domain("currency"):
        currency = Currency(doc.currency)
    with where.domain("platform_fee_pct"):
        platform_fee_pct = percent(doc.platform_fee_pct, "platform_fee_pct")
    with where.domain("commission_pct"):
        commission_pct = percent(doc.commission_pct, "commission_pct")
    with where.domain("subscription_platform_cut_pct"):
        cut_pct = percent(doc.subscription_platform_cut_pct, "subscription_platform_cut_pct")
    instruments = tuple(_instruments(doc, currency, where))
    by_symbol = {instrument.symbol: instrument for instrument in instruments}
    prices = _prices(doc, by_symbol, where)
    funding = _csv_funding(doc, by_symbol, where)
    providers = tuple(_providers(doc, where))
    followers = tuple(_followers(doc, where))
    _check_accounts(providers, followers, where)
    first_price: dict[str, datetime] = {}
    for tick in prices:
        first_price.setdefault(tick.symbol, tick.ts)
    known = Known(
        start=doc.start,
        instruments=by_symbol,
        providers=frozenset(p.id for p in providers),
        followers=frozenset(f.id for f in followers),
        first_price=first_price,
    )
    accounts = {str(p.id) for p in providers} | {str(f.id) for f in followers}
    alerts = tuple(alert_rules(doc.alerts, doc.start, accounts, by_symbol, where))
    risks = tuple(risk_rules(
        doc.risk_alerts, doc.start, accounts, {str(p.id) for p in providers}, where
    ))  # fmt: skip
    return Scenario(
        name=doc.name,
        description=doc.description,
        start=doc.start,
        currency=currency,
        platform_fee_pct=platform_fee_pct,
        seed=doc.seed,
        instruments=instruments,
        prices=prices,
        providers=providers,
        followers=followers,
        events=EventBuilder(known, where).build(doc.events),
        commission_pct=commission_pct,
        subscription_platform_cut_pct=cut_pct,
        block_execution=doc.block_execution,
        source=where.file,
        alerts=alerts,
        risk_alerts=risks,
        csv_funding=funding,
        max_copied_providers=doc.max_copied_providers,
        max_symbol_exposure=doc.max_symbol_exposure,
    )


def _instruments(doc: ScenarioDoc, currency: Currency, where: Where) -> Iterator[Instrument]:
    seen: set[str] = set()
    for i, item in enumerate(doc.instruments):
        path = f"instruments[{i}]"
        if item.symbol in seen:
            where.fail(f"{path}.symbol", f"instrument {item.symbol!r} is given twice")
        seen.add(item.symbol)
        values = item.model_dump(exclude={"base", "margin_tiers", "depth"})
        values["margin_tiers"] = tuple(MarginTier(**t.model_dump()) for t in item.margin_tiers)
        if item.depth is not None:
            with where.domain(f"{path}.depth"):
                values["depth"] = BookDepth(**item.depth.model_dump())
        # "BTC/USDT:USDT" trades BTC: the base defaults to the text before the slash.
        base = item.base if item.base is not None else item.symbol.split("/")[0]
        with where.domain(path, _INSTRUMENT_FIELDS):
            yield Instrument(**values, base=base, quote=currency)


def _price_points(doc: ScenarioDoc, where: Where) -> Iterator[tuple[str, str, datetime, Decimal]]:
    """(path, symbol, time, price) of every point, series and files expanded, in file order."""
    for i, item in enumerate(doc.prices):
        if isinstance(item, PricePointDoc):
            yield f"prices[{i}]", item.symbol, item.at, item.price
        elif isinstance(item, PriceCsvDoc):
            yield from csv_price_points(f"prices[{i}]", item, where)
        else:
            for k, price in enumerate(item.prices):
                yield f"prices[{i}].prices[{k}]", item.symbol, item.start + k * item.every, price


def _prices(
    doc: ScenarioDoc, instruments: dict[str, Instrument], where: Where
) -> tuple[PriceTick, ...]:
    last: dict[str, tuple[datetime, str]] = {}
    ticks: list[PriceTick] = []
    for path, symbol, at, price in _price_points(doc, where):
        if symbol not in instruments:
            where.fail(path, f"unknown symbol {symbol!r}; instruments: {sorted(instruments)}")
        if at < doc.start:
            where.fail(path, f"time {at.isoformat()} is before the scenario start")
        previous = last.get(symbol)
        if previous is not None and at <= previous[0]:
            where.fail(
                path,
                f"{symbol} prices must be in strictly increasing time order: {at.isoformat()} "
                f"is not after {previous[0].isoformat()} ({previous[1]})",
            )
        last[symbol] = (at, path)
        ticks.append(PriceTick(symbol, at, Price(price)))
    # Stable: points of different symbols at one time keep their file order.
    return tuple(sorted(ticks, key=lambda tick: tick.ts))


def _csv_funding(
    doc: ScenarioDoc, instruments: dict[str, Instrument], where: Where
) -> tuple[Funding, ...]:
    """The funding columns of the price files, in time order (stable)."""
    found: list[Funding] = []
    for i, item in enumerate(doc.prices):
        if isinstance(item, PriceCsvDoc):
            for funding in csv_funding(f"prices[{i}]", item, instruments, where):
                if funding.at < doc.start:
                    where.fail(
                        f"prices[{i}].csv",
                        f"funding at {funding.at.isoformat()} is before the scenario start",
                    )
                found.append(funding)
    return tuple(sorted(found, key=lambda funding: funding.at))


def _providers(doc: ScenarioDoc, where: Where) -> Iterator[ProviderSpec]:
    for i, item in enumerate(doc.providers):
        path = f"providers[{i}]"
        with where.domain(f"{path}.id"):
            provider_id = ProviderId(item.id)
        with where.domain(f"{path}.share_pct"):
            share_pct = percent(item.share_pct, "share_pct", high=MAX_SHARE_PCT)
        name = item.name if item.name is not None else item.id
        settlement = SettlementPeriod(item.settlement)
        with where.domain(path):
            fees = FeeTerms(
                parse_fee_model(item.fee_model), share_pct, item.subscription_price, settlement
            )
        yield ProviderSpec(
            provider_id,
            name,
            item.deposit,
            share_pct,
            settlement,
            fees.fee_model,
            fees.subscription_price,
            item.min_allocation,
            item.block_execution,
        )


def _followers(doc: ScenarioDoc, where: Where) -> Iterator[FollowerSpec]:
    for i, item in enumerate(doc.followers):
        with where.domain(f"followers[{i}].id"):
            follower_id = FollowerId(item.id)
        name = item.name if item.name is not None else item.id
        yield FollowerSpec(follower_id, name, item.deposit)


def _check_accounts(
    providers: tuple[ProviderSpec, ...], followers: tuple[FollowerSpec, ...], where: Where
) -> None:
    """Account ids are unique across providers and followers, and not reserved."""
    seen: dict[str, str] = {}
    listed: list[tuple[str, str]] = [(f"providers[{i}].id", p.id) for i, p in enumerate(providers)]
    listed += [(f"followers[{i}].id", f.id) for i, f in enumerate(followers)]
    for path, account in listed:
        if account in RESERVED_ACCOUNT_IDS:
            where.fail(path, f"{account!r} is reserved for the platform's own account")
        if account in seen:
            where.fail(path, f"account id {account!r} is already used by {seen[account]}")
        seen[account] = path
