"""Resolve one scenario operation against the books, then run it through the use cases.

``resolve`` turns the sequence's random choices into a concrete operation
(which relationship, how much) from what the books hold now; the concrete
form is what the child records before running it, so a retried operation is
the same one. ``execute`` runs it the way ``copytrade serve`` does: under the
runtime's lock, the engine pumped after (``ServerRuntime.act``), except the
``cli`` settlement, which runs as ``copytrade settle`` does, on a platform of its own.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN
from decimal import Decimal as D
from typing import Any

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.copying import CopyRelationship, CopySettings, SizingMode
from copytrade.domain.ids import AccountId, ClientOrderId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ZERO
from copytrade.service_layer.settlement.run import SettlementRun

from .scenario import Op
from .world import INSTRUMENTS, PROVIDER_NAMES, PROVIDERS, START_PRICES

BY_SYMBOL = {i.symbol: i for i in INSTRUMENTS}
CENT = D("0.01")
USDT = "USDT"


def _down(value: D, step: D) -> D:
    return (value / step).to_integral_value(ROUND_DOWN) * step


class Resolver:
    """Reads what an operation needs to choose its target and amount."""

    def __init__(self, rt: ServerRuntime) -> None:
        self.rt = rt
        self.venue = rt.platform.venue

    def free(self, account: str) -> D:
        """What the account may spend: its ledger free balance, and for a provider
        no more than its venue account's free cash."""
        with self.rt.platform.uow() as uow:
            ledger = uow.ledger.balance(LedgerAccount.follower_free(account))
        if account in PROVIDER_NAMES:
            return min(ledger, self.venue.withdrawable(account, USDT))
        return ledger

    def relationships(self, follower: str, statuses: tuple[str, ...]) -> list[CopyRelationship]:
        with self.rt.platform.uow() as uow:
            rels = uow.relationships.for_follower(follower)
        return sorted((r for r in rels if r.state.status.value in statuses), key=lambda r: r.id)

    def rel_free(self, rel: CopyRelationship) -> D:
        with self.rt.platform.uow() as uow:
            ledger = uow.ledger.balance(LedgerAccount.allocation_cash(str(rel.id)))
        return min(ledger, self.venue.withdrawable(str(rel.id), USDT))

    def position(self, book: str, symbol: str) -> D:
        for p in self.venue.positions(book):
            if p.symbol == symbol:
                return p.qty
        return ZERO


def _pick(items: list[Any], pick: str) -> Any:
    return items[min(len(items) - 1, int(D(pick) * len(items)))]


COPYING = ("active", "paused")


def resolve(op: Op, rt: ServerRuntime) -> Op:
    """The concrete operation, or one with ``skip`` saying why there is nothing to do."""
    r = Resolver(rt)
    kind, key = op["kind"], f"op{op['i']}"
    base = {"i": op["i"], "ts": op["ts"], "kind": kind}
    if kind in ("register", "make_provider", "deposit", "settle", "charge"):
        return {**op, "key": key}
    if kind == "price":
        if "moves" in op:
            return {**base, "prices": op["moves"]}
        last = r.venue.prices()
        prices = {}
        shock = "against" in op
        relative = _against(r, op["against"], D(op["size"])) if shock else op["relative"]
        for symbol, rel in relative.items():
            start, inst = START_PRICES[symbol], BY_SYMBOL[symbol]
            moved = last.get(symbol, start) * (1 + D(rel))
            moved = min(max(moved, start * D("0.4")), start * D("2.5"))
            prices[symbol] = str(_down(moved, inst.tick))
        return {**base, "prices": prices} if prices else {**base, "skip": "no move"}
    if kind == "withdraw":
        amount = _down(r.free(op["account"]) * D(op["size"]), CENT)
        if amount <= ZERO:
            return {**base, "skip": "nothing free"}
        return {**base, "account": op["account"], "amount": str(amount), "key": key}
    if kind == "follow":
        return _follow(op, r, base)
    if kind == "order":
        return _order(op, r, base)
    statuses = {
        "top_up": COPYING,
        "rel_withdraw": COPYING,
        "stop": COPYING,
        "pause": ("active",),
        "resume": ("paused",),
        "manual_close": ("active", "paused", "stopped"),
    }[kind]
    rels = r.relationships(op["follower"], statuses)
    if kind == "manual_close":
        held = [(str(rel.id), p.symbol) for rel in rels for p in r.venue.positions(str(rel.id))]
        if not held:
            return {**base, "skip": "no open copied position"}
        rel_id, symbol = _pick(held, op["pick"])
        return {**base, "rel": rel_id, "symbol": symbol}
    if not rels:
        return {**base, "skip": f"no {'/'.join(statuses)} relationship"}
    rel = _pick(rels, op["pick"])
    out = {**base, "rel": str(rel.id)}
    if kind == "top_up":
        amount = _down(r.free(op["follower"]) * D(op["size"]), CENT)
        return (
            {**out, "amount": str(amount), "key": key}
            if amount > 0
            else {**base, "skip": "no cash"}
        )
    if kind == "rel_withdraw":
        amount = _down(r.rel_free(rel) * D(op["size"]), CENT)
        return (
            {**out, "amount": str(amount), "key": key}
            if amount > 0
            else {**base, "skip": "no cash"}
        )
    if kind == "stop":
        return {**out, "close_on_stop": op["close_on_stop"]}
    return out


def _against(r: Resolver, provider: str, size: D) -> dict[str, str]:
    """Moves of ``size`` against each of the provider's positions (its followers' too)."""
    return {p.symbol: str(-size if p.qty > ZERO else size) for p in r.venue.positions(provider)}


def _follow(op: Op, r: Resolver, base: Op) -> Op:
    follower, provider = op["follower"], op["provider"]
    with r.rt.platform.uow() as uow:
        known = [x for x in uow.relationships.for_follower(follower) if x.provider == provider]
    amount = _down(r.free(follower) * D(op["size"]), CENT)
    if amount < 10:
        return {**base, "skip": "no cash to allocate"}
    rel_id = f"{follower}:{provider}:{len(known)}"
    settings = {k: op[k] for k in ("mode", "max_loss_pct", "close_on_stop", "copy_open_positions")}
    settings["leverage"] = op["leverage"]
    if op["mode"] == "fixed_amount":
        settings["fixed_amount"] = op["fixed_amount"]
    if op["mode"] == "multiplier":
        settings["multiplier"] = op["multiplier"]
    return {
        **base,
        "follower": follower,
        "provider": provider,
        "rel": rel_id,
        "amount": str(amount),
        "settings": settings,
    }


def _order(op: Op, r: Resolver, base: Op) -> Op:
    provider, symbol = op["provider"], op["symbol"]
    inst = BY_SYMBOL[symbol]
    price = r.venue.prices().get(symbol)
    if price is None:
        return {**base, "skip": "no price"}
    held = r.position(provider, symbol)
    lev = D(1) if inst.is_spot else D(op["leverage"])
    opening = r.free(provider) * D(op["size"]) * lev / price
    intent, side = op["intent"], Side(op["side"])
    reduce_only = False
    if held == ZERO or (inst.is_spot and intent == "flip"):
        intent = "open" if held == ZERO else "close_part"
    if intent == "open":
        if inst.is_spot and side is Side.SELL:
            side, qty = Side.SELL, held * D(op["size"]) * 2
            if held <= ZERO:
                side, qty = Side.BUY, opening
        else:
            qty = opening
    else:
        side = Side.SELL if held > ZERO else Side.BUY
        qty = {
            "close_part": abs(held) * min(D(1), D(op["size"]) * 2),
            "close_all": abs(held),
            "flip": abs(held) + opening,
        }[intent]
        reduce_only = intent == "close_all"
    qty = _down(min(qty, inst.max_qty), inst.lot_step)
    if qty < inst.min_qty:
        return {**base, "skip": f"{qty} is below the lot"}
    out = {
        **base,
        "provider": provider,
        "symbol": symbol,
        "side": side.value,
        "qty": str(qty),
        "leverage": str(lev),
        "reduce_only": reduce_only,
        "client_order_id": f"{provider}-o{op['i']}",
        "intent": intent,
        "type": op["type"],
    }
    if op["type"] == "limit":
        away = D(op["offset"]) * (-1 if side is Side.BUY else 1)
        out["price"] = str(_down(price * (1 + away), inst.tick))
    return out


def execute(op: Op, rt: ServerRuntime, now: datetime) -> object:
    """Run a resolved operation; the use case's own errors propagate."""
    p = rt.platform
    kind = op["kind"]
    if kind == "settle":
        end = datetime.fromisoformat(op["period_end"])
        if op["via"] == "cli":  # as copytrade settle does: its own recovered platform
            own = rt.container.platform(p.clock)
            summary = SettlementRun(own.uow, own.settlements, own.clock.now).run(end)
            own.engine.pump()
            return summary.to_json()
        return rt.act(lambda: rt.settlement_run.run(end).to_json())
    return rt.act(lambda: _change(op, rt, now))


def _change(op: Op, rt: ServerRuntime, now: datetime) -> object:
    p, kind = rt.platform, op["kind"]
    actions = p.actions
    if kind == "price":
        # One moment's prices together (docs/scenarios.md): all applied, then the max-loss checks.
        p.engine.on_prices({symbol: D(price) for symbol, price in op["prices"].items()}, now)
    elif kind == "register":
        p.accounts.register(AccountId(op["account"]), op["account"])
    elif kind == "make_provider":
        spec = next(s for s in PROVIDERS if s.name == op["provider"])
        p.accounts.make_provider(
            ProviderTerms(
                spec.name,
                spec.share_pct,
                spec.subscription_price,
                settlement_period=spec.period,
                fee_model=spec.fee_model,
            )
        )
    elif kind == "deposit":
        p.accounts.deposit(AccountId(op["account"]), D(op["amount"]), key=op["key"])
    elif kind == "withdraw":
        p.accounts.withdraw(AccountId(op["account"]), D(op["amount"]), key=op["key"])
    elif kind == "charge":
        return p.subscriptions.charge_due(datetime.fromisoformat(op["boundary"])).to_json()
    elif kind == "follow":
        s = op["settings"]
        settings = CopySettings(
            mode=SizingMode(s["mode"]),
            fixed_amount=D(s["fixed_amount"]) if "fixed_amount" in s else None,
            multiplier=D(s.get("multiplier", "1")),
            leverage=D(s["leverage"]) if s["leverage"] else None,
            max_loss_pct=D(s["max_loss_pct"]),
            close_on_stop=s["close_on_stop"],
            copy_open_positions=s["copy_open_positions"],
        )
        rel = RelationshipId(op["rel"])
        actions.follow(
            rel, FollowerId(op["follower"]), ProviderId(op["provider"]), D(op["amount"]), settings
        )
    elif kind == "top_up":
        actions.top_up(RelationshipId(op["rel"]), D(op["amount"]), op["key"])
    elif kind == "rel_withdraw":
        actions.withdraw(RelationshipId(op["rel"]), D(op["amount"]), op["key"])
    elif kind == "pause":
        actions.pause(RelationshipId(op["rel"]))
    elif kind == "resume":
        actions.resume(RelationshipId(op["rel"]))
    elif kind == "stop":
        actions.stop(RelationshipId(op["rel"]), close_on_stop=op["close_on_stop"])
    elif kind == "manual_close":
        actions.manual_close(RelationshipId(op["rel"]), op["symbol"])
    elif kind == "order":
        price = D(op["price"]) if "price" in op else None
        answer = p.provider_orders.place(
            ProviderId(op["provider"]),
            ClientOrderId(op["client_order_id"]),
            op["symbol"],
            Side(op["side"]),
            D(op["qty"]),
            OrderType(op["type"]),
            price,
            leverage=D(op["leverage"]),
            reduce_only=op["reduce_only"],
        )
        return f"{answer.status} {answer.reason or ''}".strip()
    else:
        raise ValueError(f"unknown operation kind {kind!r}")
    return None
