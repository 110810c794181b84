"""The root command group, which imports a verb's module only when that verb is asked for.

Every ``copytrade`` run used to import every verb's module, and with them the HTTP API,
the exchange client, the broker client and the indicator library: about three seconds
before the first line of work. The group below names each verb with the module that
defines it; a run imports the one module it needs (``--help`` lists them all, so it
imports them all). docs/operations.md, "Start-up".
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main

from copytrade.cli.errors import MappedErrors, plain_flags


@dataclass(frozen=True)
class Verb:
    """A verb: the module defining it and the name of its function or Typer group there."""

    module: str
    attribute: str

    def load(self, name: str) -> Any:  # typer vendors click: its Command type is private
        obj = getattr(importlib.import_module(f"copytrade.cli.{self.module}"), self.attribute)
        if isinstance(obj, typer.Typer):
            group = typer.main.get_group(obj)
            group.name = name
            return group
        single = typer.Typer()
        single.command(name)(obj)
        return typer.main.get_command(single)


# In the order `copytrade --help` lists them.
VERBS: dict[str, Verb] = {
    "db": Verb("db", "db_app"),
    "simulate": Verb("simulate", "simulate"),
    "whatif": Verb("whatif", "whatif"),
    "demo": Verb("demo", "demo"),
    "bench": Verb("bench", "bench_app"),
    "stats": Verb("stats", "stats_app"),
    "report": Verb("report", "report_app"),
    "leaderboard": Verb("stats", "show_leaderboard"),
    "settle": Verb("settle", "settle"),
    "statement": Verb("settle", "statement"),
    "reconcile": Verb("reconcile", "reconcile_books"),
    "subscriptions": Verb("subscriptions", "subscriptions_app"),
    "positions": Verb("positions", "positions_app"),
    "orders": Verb("orders", "orders_app"),
    "serve": Verb("serve", "serve"),
    "worker": Verb("worker", "worker"),
    "relay": Verb("worker", "relay"),
    "cluster": Verb("worker", "cluster"),
    "users": Verb("users", "users_app"),
    "providers": Verb("providers", "providers_app"),
    "alerts": Verb("alerts", "alerts_app"),
    "venues": Verb("venues", "venues_app"),
    "keys": Verb("venues", "keys_app"),
}


class LazyVerbs(MappedErrors):
    """``MappedErrors`` whose verbs (``VERBS``) are imported when first asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*VERBS, *(name for name in super().list_commands(ctx) if name not in VERBS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in VERBS and cmd_name not in self.commands:
            command = VERBS[cmd_name].load(cmd_name)
            plain_flags(command, ctx)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)
