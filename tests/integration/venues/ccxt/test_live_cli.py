"""``copytrade venues live`` and ``venues pay-fees`` through the CLI, on a database a
platform copies on, against the emulated exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from copytrade.cli.app import app
from copytrade.config import Settings
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT
from tests.integration.venues.ccxt.live_world import World, key_of, live_emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator() as emu:
        yield emu


def test_a_relationship_marked_live_from_the_cli_copies_on_the_exchange(
    db_engine: Engine, db_settings: Settings, emulator: Emulator
) -> None:
    world = World(db_engine, db_settings, emulator, live=False)
    url = db_engine.url.render_as_string(hide_password=False)
    key, secret = key_of("f0")
    env = {"COPYTRADE_SECRET_KEY": world.secret_key, "EXCHANGE_API_KEY": key,
           "EXCHANGE_SECRET": secret}

    def cli(*args: str) -> tuple[int, str, str]:
        run = CliRunner().invoke(app, [*args, "--database", url], env=env)
        return run.exit_code, run.stdout, run.stderr

    assert cli("venues", "add", "f0", "--exchange", "binance", "--api-base",
               emulator.base_url)[0] == 0
    code, out, _ = cli("venues", "live", world.rels[0], "--account", "f0")
    assert code == 0 and "copies live on f0; 1000 USDT back" in out
    code, _, err = cli("venues", "live", world.rels[1], "--account", "f1:main")
    assert code == 2 and "no linked exchange account 'f1:main'" in err
    code, _, err = cli("venues", "live", world.rels[1], "--account", "f0")
    assert code == 2 and "'f0' is not f1's" in err
    code, _, err = cli("venues", "remove", "f0")
    assert code == 2 and "stop them first" in err

    h = world.restart()  # the platform's process starts again: f0's book is routed live
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    assert len(world.exchange_orders("f0")) == 1
    assert world.exchange_orders("f1") == []  # f1 still copies on the paper venue

    code, out, _ = cli("venues", "pay-fees", world.rels[0], "--json")
    assert code == 0
    assert json.loads(out) == {"relationship": world.rels[0], "commissions": "0",
                               "profit_share": "0", "resumed": False}
