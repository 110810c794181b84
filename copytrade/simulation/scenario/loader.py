"""``load_scenario``: a scenario file in, a validated immutable Scenario out.

Three passes, each with its own kind of error, all raised as ScenarioError:
reading (syntax, with the line), shape (pydantic: keys, types, signs) and
building (domain rules and cross-references, in file order).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from copytrade.simulation.scenario.build import build_scenario
from copytrade.simulation.scenario.errors import ScenarioError
from copytrade.simulation.scenario.model import Scenario
from copytrade.simulation.scenario.problems import Where, from_validation
from copytrade.simulation.scenario.reading import read_document
from copytrade.simulation.scenario.schema import ScenarioDoc


def load_scenario(path: str | Path) -> Scenario:
    """Load a ``.yaml``/``.yml`` or ``.json`` scenario; any problem is a ScenarioError."""
    path = Path(path)
    data = read_document(path)
    if data is None:
        raise ScenarioError(path, None, "the file is empty")
    return scenario_from_data(data, source=path)


def scenario_from_data(data: Any, source: str | Path = "<scenario>") -> Scenario:
    """Validate already-parsed data (e.g. built in a test); floats are refused."""
    try:
        doc = ScenarioDoc.model_validate(data)
    except ValidationError as error:
        raise from_validation(source, error) from None
    return build_scenario(doc, Where(source))
