"""Building the events: cross-references and the relationships' lifecycle, in file order.

Checked here, because only the whole file can tell: known ids and symbols,
time order, an order's lot step and leverage against its instrument, a price
in force before the first order of a symbol, and that each follower action
finds a relationship in a state that takes it (follow twice while active,
resume before any follow... are refused). What only the run can tell (a
relationship stopped by max loss, a balance too small) is the runner's to record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.order_terms import OrderTerms, TimeInForce, Trigger, TriggerKind
from copytrade.domain.copying.edits import edit_settings
from copytrade.domain.copying.settings import CopySettings
from copytrade.domain.ids import AccountId, ClientOrderId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.instruments import Instrument, parse_side
from copytrade.domain.margin import FUNDING_INTERVAL_HOURS, MAX_FUNDING_RATE
from copytrade.domain.orders import OrderType
from copytrade.domain.profit_share.periods import PeriodKind, is_boundary
from copytrade.domain.values import ONE, Price
from copytrade.simulation.scenario import events as ev
from copytrade.simulation.scenario.problems import Where
from copytrade.simulation.scenario.schema_events import (
    AmountDoc,
    ChargeSubscriptionsDoc,
    DepositDoc,
    EditSettingsDoc,
    EventDoc,
    FollowDoc,
    FundingDoc,
    ManualCloseDoc,
    OrderDoc,
    RelationshipDoc,
    SettingsDoc,
    TriggersDoc,
)

_SETTINGS_FIELDS = frozenset(SettingsDoc.model_fields)
_ACTIONS: dict[str, type[ev.Pause | ev.Resume | ev.Stop]] = {
    "pause": ev.Pause,
    "resume": ev.Resume,
    "stop": ev.Stop,
}
_AMOUNTS: dict[str, type[ev.TopUp | ev.Withdraw]] = {"top_up": ev.TopUp, "withdraw": ev.Withdraw}


@dataclass(frozen=True, slots=True)
class Known:
    """What the rest of the file declares, for the events' cross-checks."""

    start: datetime
    instruments: Mapping[str, Instrument]
    providers: frozenset[str]
    followers: frozenset[str]
    first_price: Mapping[str, datetime]


def relationship_id(follower: str, provider: str, number: int) -> RelationshipId:
    """``alice:bob`` for the first relationship of the pair, ``alice:bob:2`` after a re-follow."""
    suffix = "" if number == 1 else f":{number}"
    return RelationshipId(f"{follower}:{provider}{suffix}")


class EventBuilder:
    def __init__(self, known: Known, where: Where) -> None:
        self._known = known
        self._where = where
        # (follower, provider) -> (latest relationship id, "active" or "stopped", how many so
        # far). Paused counts as active here: only a stop ends a relationship.
        self._pairs: dict[tuple[str, str], tuple[RelationshipId, str, int]] = {}
        self._settings: dict[RelationshipId, CopySettings] = {}  # as followed, then edited
        self._order_ids: dict[str, str] = {}
        self._last: datetime = known.start

    def build(self, docs: Sequence[EventDoc]) -> tuple[ev.Event, ...]:
        return tuple(self._event(f"events[{i}]", i, doc) for i, doc in enumerate(docs))

    def _event(self, path: str, index: int, doc: EventDoc) -> ev.Event:
        self._check_time(path, doc.at)
        if isinstance(doc, OrderDoc):
            return self._order(path, index, doc)
        if isinstance(doc, FollowDoc):
            return self._follow(path, index, doc)
        if isinstance(doc, RelationshipDoc):
            rel = self._existing(path, doc.follower, doc.provider, doc.type)
            if doc.type == "stop":
                pair = (doc.follower, doc.provider)
                self._pairs[pair] = (rel, "stopped", self._pairs[pair][2])
            return _ACTIONS[doc.type](doc.at, index, *self._pair(doc), rel)
        if isinstance(doc, AmountDoc):
            rel = self._existing(path, doc.follower, doc.provider, doc.type)
            return _AMOUNTS[doc.type](doc.at, index, *self._pair(doc), rel, doc.amount)
        if isinstance(doc, ManualCloseDoc):
            rel = self._existing(path, doc.follower, doc.provider, doc.type)
            self._instrument(f"{path}.symbol", doc.symbol)
            return ev.ManualClose(doc.at, index, *self._pair(doc), rel, doc.symbol)
        if isinstance(doc, EditSettingsDoc):
            return self._edit(path, index, doc)
        if isinstance(doc, FundingDoc):
            return self._funding(path, index, doc)
        if isinstance(doc, TriggersDoc):
            return self._triggers(path, index, doc)
        if isinstance(doc, DepositDoc):
            if doc.account not in self._known.providers | self._known.followers:
                self._where.fail(f"{path}.account", f"unknown account {doc.account!r}")
            return ev.Deposit(doc.at, index, AccountId(doc.account), doc.amount)
        if isinstance(doc, ChargeSubscriptionsDoc):
            if not any(is_boundary(doc.at, kind) for kind in PeriodKind):
                self._where.fail(
                    f"{path}.at",
                    f"subscriptions are charged at a period start (a Monday or a 1st, "
                    f"00:00 UTC), not at {doc.at.isoformat()}",
                )
            return ev.ChargeSubscriptions(doc.at, index)
        return ev.Settle(doc.at, index)

    def _check_time(self, path: str, at: datetime) -> None:
        if at < self._known.start:
            self._where.fail(f"{path}.at", f"time {at.isoformat()} is before the scenario start")
        if at < self._last:
            self._where.fail(
                f"{path}.at",
                f"events must be in time order: {at.isoformat()} is before the previous "
                f"event's {self._last.isoformat()}",
            )
        self._last = at

    def _funding(self, path: str, index: int, doc: FundingDoc) -> ev.Funding:
        instrument = self._instrument(f"{path}.symbol", doc.symbol)
        if instrument.is_spot:
            self._where.fail(f"{path}.symbol", f"{doc.symbol} is spot: funding is for perps")
        at = doc.at
        if at.hour % FUNDING_INTERVAL_HOURS or at.minute or at.second or at.microsecond:
            self._where.fail(
                f"{path}.at",
                f"funding is paid every {FUNDING_INTERVAL_HOURS} hours (00:00, 08:00, 16:00 UTC), "
                f"not at {at.isoformat()}",
            )
        if abs(doc.rate) > MAX_FUNDING_RATE:
            self._where.fail(f"{path}.rate", f"must be within ±{MAX_FUNDING_RATE}, got {doc.rate}")
        return ev.Funding(at, index, doc.symbol, doc.rate)

    def _triggers(self, path: str, index: int, doc: TriggersDoc) -> ev.ProviderTriggers:
        """Known provider and symbol, prices on the tick; whether the provider holds a
        position and on which side is the run's to find (a refusal is in ``errors``)."""
        if doc.provider not in self._known.providers:
            self._where.fail(f"{path}.provider", f"unknown provider {doc.provider!r}")
        instrument = self._instrument(f"{path}.symbol", doc.symbol)
        for name, price in (("stop_loss", doc.stop_loss), ("take_profit", doc.take_profit)):
            if price is not None and instrument.round_price(price) != price:
                self._where.fail(
                    f"{path}.{name}", f"{price} is not a multiple of the tick {instrument.tick}"
                )
        return ev.ProviderTriggers(
            doc.at,
            index,
            ProviderId(doc.provider),
            doc.symbol,
            None if doc.stop_loss is None else Price(doc.stop_loss),
            None if doc.take_profit is None else Price(doc.take_profit),
        )

    def _instrument(self, path: str, symbol: str) -> Instrument:
        instrument = self._known.instruments.get(symbol)
        if instrument is None:
            known = sorted(self._known.instruments)
            self._where.fail(path, f"unknown symbol {symbol!r}; instruments: {known}")
        return instrument

    def _order(self, path: str, index: int, doc: OrderDoc) -> ev.ProviderOrder:
        if doc.provider not in self._known.providers:
            self._where.fail(f"{path}.provider", f"unknown provider {doc.provider!r}")
        instrument = self._instrument(f"{path}.symbol", doc.symbol)
        first = self._known.first_price.get(doc.symbol)
        if first is None or first > doc.at:
            self._where.fail(path, f"no price of {doc.symbol} is in force at {doc.at.isoformat()}")
        with self._where.domain(f"{path}.qty"):
            qty = instrument.check_qty(doc.qty)
        order_type = OrderType(doc.order_type)
        if order_type is OrderType.LIMIT and doc.price is None:
            self._where.fail(f"{path}.price", "a limit order needs a price")
        if order_type is OrderType.MARKET and doc.price is not None:
            self._where.fail(f"{path}.price", "a market order takes no price (it fills at market)")
        if doc.price is not None and instrument.round_price(doc.price) != doc.price:
            self._where.fail(
                f"{path}.price", f"{doc.price} is not a multiple of the tick {instrument.tick}"
            )
        leverage = self._leverage(f"{path}.leverage", instrument, doc.leverage)
        client_id = self._order_id(path, index, doc)
        price = None if doc.price is None else Price(doc.price)
        side = parse_side(doc.side)
        return ev.ProviderOrder(
            doc.at, index, ProviderId(doc.provider), client_id, doc.symbol, side, qty,
            order_type, price, leverage, doc.reduce_only, self._terms(path, doc, instrument),
        )  # fmt: skip

    def _terms(self, path: str, doc: OrderDoc, instrument: Instrument) -> OrderTerms:
        trail = doc.trail_distance, doc.trail_percent
        if doc.post_only and doc.order_type != "limit":
            self._where.fail(f"{path}.post_only", "post_only is for limit orders")
        if doc.trigger is None:
            if doc.trigger_price is not None or trail != (None, None):
                self._where.fail(f"{path}.trigger", "trigger_price and trail_* need a trigger")
            return OrderTerms(None, TimeInForce(doc.time_in_force), doc.post_only)
        with self._where.domain(f"{path}.trigger"):
            trigger = Trigger(TriggerKind(doc.trigger), doc.trigger_price, *trail)
        if trigger.price is not None and instrument.round_price(trigger.price) != trigger.price:
            self._where.fail(
                f"{path}.trigger_price",
                f"{trigger.price} is not a multiple of the tick {instrument.tick}",
            )
        return OrderTerms(trigger, TimeInForce(doc.time_in_force), doc.post_only)

    def _leverage(self, path: str, instrument: Instrument, leverage: Decimal | None) -> Decimal:
        if leverage is None:
            return ONE
        if instrument.is_spot and leverage != ONE:
            self._where.fail(path, f"{instrument.symbol} is spot: leverage must be 1")
        if not ONE <= leverage <= instrument.max_leverage:
            self._where.fail(
                path, f"must be 1..{instrument.max_leverage} on {instrument.symbol}, got {leverage}"
            )
        return leverage

    def _order_id(self, path: str, index: int, doc: OrderDoc) -> ClientOrderId:
        text = doc.id if doc.id is not None else f"{doc.provider}-{index}"
        if text in self._order_ids:
            self._where.fail(
                f"{path}.id", f"order id {text!r} is already used by {self._order_ids[text]}"
            )
        self._order_ids[text] = path
        with self._where.domain(f"{path}.id"):
            return ClientOrderId(text)

    def _follow(self, path: str, index: int, doc: FollowDoc) -> ev.Follow:
        self._check_pair(path, doc.follower, doc.provider)
        current = self._pairs.get((doc.follower, doc.provider))
        if current is not None and current[1] != "stopped":
            self._where.fail(
                path, f"{doc.follower} already follows {doc.provider} ({current[0]}, {current[1]})"
            )
        settings_path = f"{path}.settings"
        for name in ("whitelist", "blacklist"):
            for k, symbol in enumerate(getattr(doc.settings, name) or ()):
                self._instrument(f"{settings_path}.{name}[{k}]", symbol)
        with self._where.domain(settings_path, _SETTINGS_FIELDS):
            settings = CopySettings(**doc.settings.model_dump(exclude_none=True))
        number = 1 if current is None else current[2] + 1
        rel = relationship_id(doc.follower, doc.provider, number)
        self._settings[rel] = settings
        self._pairs[(doc.follower, doc.provider)] = (rel, "active", number)
        return ev.Follow(doc.at, index, *self._pair(doc), rel, doc.allocation, settings)

    def _edit(self, path: str, index: int, doc: EditSettingsDoc) -> ev.EditSettings:
        """An edit checked as the platform checks it (``edit_settings``): like a follow."""
        rel = self._existing(path, doc.follower, doc.provider, doc.type)
        settings_path = f"{path}.settings"
        for name in ("whitelist", "blacklist"):
            for k, symbol in enumerate(getattr(doc.settings, name) or ()):
                self._instrument(f"{settings_path}.{name}[{k}]", symbol)
        changes = doc.settings.model_dump(exclude_unset=True)
        for name in ("whitelist", "blacklist"):
            if changes.get(name) is not None:
                changes[name] = frozenset(changes[name])
        with self._where.domain(settings_path, _SETTINGS_FIELDS):
            self._settings[rel], _ = edit_settings(self._settings[rel], changes)
        pairs = tuple(sorted(changes.items()))
        return ev.EditSettings(doc.at, index, *self._pair(doc), rel, pairs)

    def _check_pair(self, path: str, follower: str, provider: str) -> None:
        if follower not in self._known.followers:
            self._where.fail(f"{path}.follower", f"unknown follower {follower!r}")
        if provider not in self._known.providers:
            self._where.fail(f"{path}.provider", f"unknown provider {provider!r}")

    def _existing(self, path: str, follower: str, provider: str, action: str) -> RelationshipId:
        """The pair's live relationship; pause/resume keep its status as the domain does."""
        self._check_pair(path, follower, provider)
        current = self._pairs.get((follower, provider))
        if current is None or current[1] == "stopped":
            state = "has not followed" if current is None else "has stopped following"
            self._where.fail(path, f"cannot {action}: {follower} {state} {provider} at this point")
        return current[0]

    @staticmethod
    def _pair(
        doc: RelationshipDoc | AmountDoc | ManualCloseDoc | FollowDoc | EditSettingsDoc,
    ) -> tuple[FollowerId, ProviderId]:
        return FollowerId(doc.follower), ProviderId(doc.provider)
