"""Turning pydantic and domain errors into ScenarioErrors that name the field.

pydantic reports a location tuple, ``("events", 3, "follow", "settings",
"multiplier")``; users read ``events[3].settings.multiplier``. Domain errors
(from ``Instrument``, ``CopySettings``...) name the field in their message;
``Where.domain`` finds that name and appends it to the path.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from copytrade.domain.errors import DomainError
from copytrade.simulation.scenario.errors import ScenarioError

# Lists whose items are told apart by a tag; pydantic puts the tag into the
# location, which is noise to the author: events[3].follow.settings -> events[3].settings.
_TAGGED_LISTS = frozenset({"events", "prices"})
_SHOWN = (str, int, bool, list, type(None))


def field_path(loc: Sequence[int | str]) -> str:
    parts = list(loc)
    if len(parts) > 2 and parts[0] in _TAGGED_LISTS and isinstance(parts[1], int):
        del parts[2]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(top level)"


def _got(value: Any) -> str:
    """ ", got <value>" for values short enough to show (not whole mappings)."""
    if isinstance(value, Decimal):
        return f", got {value}"
    return f", got {value!r}" if isinstance(value, _SHOWN) else ""


def _problem(error: Any) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key (not part of the scenario format; check its spelling)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        # pydantic would name its own class ("instance of SettingsDoc"): noise to the author.
        return f"must be a mapping of keys to values{_got(value)}"
    if kind == "union_tag_invalid":
        return (
            f"unknown {ctx['discriminator'].strip(chr(39))} {ctx['tag']}; "
            f"expected one of {ctx['expected_tags']}"
        )
    if kind == "union_tag_not_found":
        return f"has no {ctx['discriminator'].strip(chr(39))} key"
    message = str(error["msg"]).removeprefix("Value error, ").replace("Input should", "must")
    # Our own validators already show the value in their message.
    return message if kind == "value_error" else message + _got(value)


def from_validation(file: str | Path, error: ValidationError) -> ScenarioError:
    """One ScenarioError for every problem pydantic found (the first leads)."""
    found = [(field_path(e["loc"]), _problem(e)) for e in error.errors()]
    (first_field, first_problem), *rest = found
    return ScenarioError(file, first_field, first_problem, also=tuple(rest))


_WORD = re.compile(r"[a-z_]+")


class Where:
    """The file being loaded, so every error raised while building names it."""

    __slots__ = ("file",)

    def __init__(self, file: str | Path) -> None:
        self.file = str(file)

    def fail(self, field: str, problem: str) -> NoReturn:
        raise ScenarioError(self.file, field, problem)

    @contextmanager
    def domain(self, path: str, fields: Collection[str] = ()) -> Iterator[None]:
        """Re-raise a domain error as a ScenarioError at ``path`` (plus the field it names)."""
        try:
            yield
        except ScenarioError:
            raise
        except DomainError as error:
            message = str(error)
            named = next((w for w in _WORD.findall(message) if w in fields), None)
            raise ScenarioError(self.file, f"{path}.{named}" if named else path, message) from None
