"""``copytrade whatif`` end to end (docs/whatif.md): a recorded history on a SQLite file,
the answer as one JSON object and as a table, and a user error as one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """flip_max_loss played on a file: pro buys, flips short, the short loses."""
    database = tmp_path_factory.mktemp("whatif") / "live.db"
    run_scenario(load_scenario(EXAMPLES / "flip_max_loss.yaml"), f"sqlite:///{database}")
    return database


def _whatif(database: Path, *args: str) -> tuple[int, str, str]:
    base = ["whatif", "--provider", "pro", "--from", "2024-06-03", "--database", str(database)]
    result = CliRunner().invoke(app, [*base, *args], terminal_width=120)
    return result.exit_code, result.stdout, result.stderr


def test_json_answer_has_the_stop_the_decisions_and_the_money(recorded: Path) -> None:
    code, out, _ = _whatif(recorded, "--allocation", "10000", "--max-loss-pct", "10", "--json")
    assert code == 0, out
    answer = json.loads(out)
    assert answer["provider_fills"] == 3
    assert answer["max_loss_stop"]["fired"] is True and answer["stop_reason"] == "max_loss"
    assert answer["status"] == "stopped"
    # The stop returned the allocation's cash: nothing stays in the relationship.
    assert answer["equity"] == "0" and answer["value"] == answer["settlements"][-1]["equity"]
    assert answer["settlements"][-1]["period"] == "stop:max_loss"
    assert [d["action"] for d in answer["decisions"]] == ["placed"] * len(answer["decisions"])


def test_table_answer_and_user_errors(recorded: Path) -> None:
    code, out, _ = _whatif(recorded, "--allocation", "10000", "--whitelist", "ETH/USDT:USDT")
    assert code == 0, out
    assert "What if you had copied" in out and "symbol_not_allowed" in out
    assert "Past results do not guarantee future results" in out
    code, _, err = _whatif(recorded, "--allocation", "0")
    assert code == 2 and err.startswith("error: the allocation must be greater than 0")
    code, _, err = _whatif(recorded, "--allocation", "100", "--until", "yesterday")
    assert code == 2 and "--until is not a date or ISO time" in err


def test_every_copy_setting_of_a_follow_is_an_option(recorded: Path) -> None:
    """The options come from the shared copy-settings model: the protections reach the
    replay, and the model's refusals name the option (docs/whatif.md, "Asking")."""
    code, out, _ = _whatif(recorded, "--allocation", "10000", "--max-loss-pct", "50",
                           "--trailing-stop-pct", "2", "--json")  # fmt: skip
    assert code == 0, out
    answer = json.loads(out)
    assert (answer["status"], answer["stop_reason"]) == ("stopped", "trailing_stop")
    code, _, err = _whatif(recorded, "--allocation", "100", "--take-profit-pct", "5000")
    assert code == 2 and "--take-profit-pct" in err and "1000" in err
    code, _, err = _whatif(recorded, "--allocation", "100", "--copy-open-positions")
    assert code == 2 and "No such option" in err


def test_in_place_of_takes_a_relationship_of_the_provider(recorded: Path) -> None:
    """Without a depth model the place changes nothing; an unknown one is a user error
    (docs/whatif.md, "A shared, depleting book")."""
    code, out, _ = _whatif(recorded, "--allocation", "10000", "--json")
    code_in, out_in, _ = _whatif(
        recorded, "--allocation", "10000", "--in-place-of", "fay:pro", "--json"
    )
    assert code == code_in == 0, out_in
    assert json.loads(out_in)["decisions"] == json.loads(out)["decisions"]
    code, _, err = _whatif(recorded, "--allocation", "10000", "--in-place-of", "nobody:pro")
    assert code == 2 and "nobody:pro" in err
