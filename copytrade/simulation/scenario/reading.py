"""Reading a scenario file into plain data whose numbers are exact.

YAML's ``0.1`` and JSON's ``0.1`` would both become floats; here they become
``Decimal("0.1")`` straight from the text, so no float ever exists. YAML
timestamps stay text (parsed by the schema, one rule for YAML and JSON), and
a key given twice is refused instead of the last one silently winning.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from copytrade.simulation.scenario.errors import ScenarioError

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)


class _ExactLoader(yaml.SafeLoader):
    """SafeLoader with Decimal floats, text timestamps and no duplicate keys."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a finite number", node.start_mark
        )
    return value


def _text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", _text)
_ExactLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_document(path: Path) -> Any:
    """The file's content as dicts, lists, str, int, bool, None and Decimal."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise ScenarioError(
            path,
            None,
            f"unknown scenario format {suffix or '(no suffix)'!r}: "
            "name the file .yaml, .yml or .json",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(path, None, f"cannot read the file: {error}") from None
    return _read_yaml(path, text) if suffix in YAML_SUFFIXES else _read_json(path, text)


def _too_deep(path: Path) -> ScenarioError:
    # The parsers recurse once per level; Python's stack ends long before a real scenario.
    return ScenarioError(path, None, "the document nests lists or mappings too deeply")


def _read_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_ExactLoader)  # a SafeLoader subclass: no arbitrary objects
    except RecursionError:
        raise _too_deep(path) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f"column {mark.column + 1}: " if mark is not None else ""
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise ScenarioError(path, None, f"{column}invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise ScenarioError(path, None, f"invalid YAML: {error}") from None


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} is given twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _read_json(path: Path, text: str) -> Any:
    try:
        return json.loads(
            text, parse_float=Decimal, object_pairs_hook=_json_pairs, parse_constant=_no_constant
        )
    except RecursionError:
        raise _too_deep(path) from None
    except json.JSONDecodeError as error:
        raise ScenarioError(
            path, None, f"column {error.colno}: invalid JSON: {error.msg}", line=error.lineno
        ) from None
    except ValueError as error:
        raise ScenarioError(path, None, f"invalid JSON: {error}") from None
