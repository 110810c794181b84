"""A platform whose followers copy a provider live on emulated exchange accounts (the
tests of docs/venues.md "Followers on their own accounts" and docs/settlement.md "Live
relationships")."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal as D
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.schema import CopyDecisionRow, OrderRow
from copytrade.adapters.venues.ccxt import ApiCredentials
from copytrade.adapters.venues.port import Venue
from copytrade.bootstrap import Container
from copytrade.cli.app import app
from copytrade.config import Settings
from copytrade.domain.copying.settings import DEFAULT_SLIPPAGE_PCT
from copytrade.domain.ids import RelationshipId
from copytrade.domain.values import ZERO
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.live_reconcile import LiveReport, reconcile_live
from copytrade.service_layer.reconcile import reconcile
from tests.exchange_emulator import Emulator, MarketSpec
from tests.integration.engine.harness import PERP, SPOT, START, Harness

ETH = MarketSpec("ETH", "USDT", step=D("0.0001"), min_qty=D("0.0001"))
BTC_PERP = MarketSpec("BTC", "USDT", futures=True, tick=D("0.1"), taker_fee=D("0.0004"))
FOLLOWERS = ("f0", "f1", "f2")
SLIPPAGE = DEFAULT_SLIPPAGE_PCT / 100


def key_of(name: str) -> tuple[str, str]:
    return f"emu-key-{name}", f"emu-secret-{name}-0123456789"


@contextmanager
def live_emulator(
    perps: bool = False, accounts: Sequence[str] = FOLLOWERS
) -> Iterator[Emulator]:
    """The emulated exchange (ETH spot, and BTC perpetuals with ``perps``) with an
    account of USDT 10,000 per name of ``accounts``."""
    emu = Emulator([ETH, BTC_PERP] if perps else [ETH], slow_seconds=1.5)
    with emu.running():
        for name in accounts:
            emu.state.add_account(*key_of(name), {"USDT": D(10_000)})
        emu.state.set_price("ETHUSDT", D(2_000))
        if perps:
            emu.state.set_price("BTCUSDT", D(50_000), futures=True)
        yield emu


class World:
    """A platform whose followers f0..f2 copy ``pro`` live on their emulated accounts."""

    def __init__(
        self, db: Engine, settings: Settings, emu: Emulator, commission_pct: str = "0",
        *, live: bool = True, **terms: str,
    ) -> None:
        """``live``: the followers' accounts linked and their relationships marked live
        (else only followed, on the paper venue)."""
        self.db, self.emu = db, emu
        self.secret_key = base64.b64encode(os.urandom(32)).decode()
        key = SecretStr(self.secret_key)
        self.container = Container(
            settings.model_copy(
                update={"secret_key": key, "commission_pct": D(commission_pct)}
            ),
            db, make_session_factory(db),
        )
        self.clock = SimulatedClock(START)
        self._routes: dict[str, Venue] | None = None
        self.h = self.restart()
        self.h.tick(SPOT.symbol, "2000")
        self.pro = self.h.provider("pro", "10000", **terms)
        links = self.container.exchange_accounts(self.clock)
        self.rels: list[RelationshipId] = []
        for name in FOLLOWERS:
            rel = self.h.follow(self.h.follower(name, "5000"), self.pro, "1000")
            key, secret = key_of(name)
            self.rels.append(rel)
            if live:
                links.add(name, "binance", ApiCredentials(key, secret), api_base=emu.base_url)
                self.container.live_following(self.h.platform).mark(rel, name)

    def restart(self) -> Harness:
        """A new process: the platform rebuilt from the database, recovered."""
        platform = self.container.platform(self.clock, [PERP, SPOT])
        placed = getattr(self, "h", None)
        self.h = Harness.over(platform, self.clock)
        if placed is not None:
            self.h._orders = placed._orders  # the provider's next order ids stay new
        return self.h

    def reconcile_live(self, *, watched: bool = False) -> LiveReport:
        """``reconcile_live`` as the server runs it, the paused relationships re-read by
        the engine: over the live followers' accounts (their routes opened on the first
        call), or with ``watched`` over the watched providers' accounts alone."""
        if watched:
            routes: dict[str, Venue] = {}
            providers = self.container.watched_providers(self.clock)
        else:
            if self._routes is None:
                self._routes = self.container.live_routes(self.clock)
            routes, providers = self._routes, None
        return reconcile_live(
            self.h.platform.uow, routes, self.clock.now, self.h.engine.relationships.invalidate,
            providers,
        )

    def reconcile_cli(self) -> tuple[int, dict[str, Any]]:
        """``copytrade reconcile --json`` on this platform's database: exit code, report."""
        url = self.db.url.render_as_string(hide_password=False)
        run = CliRunner().invoke(
            app, ["reconcile", "--json", "--database", url],
            env={"COPYTRADE_SECRET_KEY": self.secret_key},
        )
        return run.exit_code, json.loads(run.stdout)

    def exchange_orders(self, name: str) -> list[str]:
        return [o.client_order_id for o in self.emu.state.accounts[key_of(name)[0]].orders]

    def decisions(self) -> list[tuple[str, str]]:
        with self.db.connect() as conn:
            rows = conn.execute(
                select(CopyDecisionRow.relationship_id, CopyDecisionRow.action)
                .order_by(CopyDecisionRow.relationship_id, CopyDecisionRow.id)
            ).all()
        return [(str(r), str(a)) for r, a in rows]

    def orders_of(self, rel: str) -> list[OrderRow]:
        with self.db.connect() as conn:
            return list(conn.execute(select(OrderRow).where(OrderRow.book == rel)).all())


def ledger_agrees(h: Harness) -> None:
    """The ledger sums to zero, and the paper books agree with the paper venue (live
    books are not on it)."""
    with h.platform.uow() as uow:
        assert all(v == ZERO for v in uow.ledger.sum_by_currency().values())
    report = reconcile(h.platform.uow, h.platform.venue, h.clock.now)
    assert report.ok, report.to_json()
