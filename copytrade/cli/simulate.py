"""``copytrade simulate SCENARIO --out RESULT.json`` (docs/scenarios.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from copytrade.adapters.jsonable import dump_result
from copytrade.cli.common import database_url
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import load_scenario

ScenarioArg = Annotated[Path, typer.Argument(help="A scenario file (.yaml, .yml or .json).")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Where to write RESULT.json.")]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="FILE|URL",
        help="An empty database (SQLite file or URL) to run on, kept; default: a temporary "
        "SQLite file.",
    ),
]
# The option's earlier name, still accepted.
DbAlias = Annotated[str | None, typer.Option("--db", hidden=True)]

ShardsOption = Annotated[
    int,
    typer.Option(
        "--shards",
        min=1,
        help="Split each fan-out over this many in-process workers (docs/engine.md "
        '"Shards"); the result is the same.',
    ),
]


def simulate(
    scenario: ScenarioArg,
    out: OutOption,
    database: DatabaseOption = None,
    shards: ShardsOption = 1,
    db: DbAlias = None,
) -> None:
    """Run a scenario on the engine, venue and ledger; write RESULT.json (docs/scenarios.md)."""
    if database is not None and db is not None:
        raise typer.BadParameter("give --database only (--db is its old name)")
    chosen = database if database is not None else db
    if not out.parent.is_dir():  # found out now, not after the whole run
        raise FileNotFoundError(2, f"cannot write it: no folder {out.parent}", str(out))
    loaded = load_scenario(scenario)  # a ScenarioError: "error: …", exit 2 (cli/common.py)
    result = run_scenario(loaded, None if chosen is None else database_url(chosen), shards)
    out.write_text(dump_result(result), encoding="utf-8")
    Console().print(_summary(result, out))


def _summary(result: dict[str, Any], out: Path) -> Table:
    table = Table(title=f"scenario {result['scenario']['name']}", show_header=False)
    table.add_column("what")
    table.add_column("count", overflow="fold")
    table.add_row("orders", str(len(result["orders"])))
    actions = Counter(d["action"] for d in result["decisions"])
    table.add_row("decisions", ", ".join(f"{a} {n}" for a, n in sorted(actions.items())) or "0")
    table.add_row("settlements", str(len(result["settlements"])))
    table.add_row("refused events", str(len(result["errors"])))
    sums = ", ".join(f"{code} {total}" for code, total in sorted(result["ledger_sum"].items()))
    table.add_row("ledger sum", sums)
    table.add_row("written to", str(out))
    return table
