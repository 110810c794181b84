"""Command options for every copy setting, made from the one shared model
(``CopySettingsFields``, copytrade/api/routers/copy_settings.py): the same names (as
``--kebab-case``), the same help texts and the same validation as the API's follow and
what-if bodies, so a new copy setting reaches the CLI without a second list
(docs/whatif.md, "Asking")."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import typer
from pydantic import ValidationError

from copytrade.api.routers.copy_settings import SETTINGS, CopySettingsFields
from copytrade.domain.copying import CopySettings
from copytrade.domain.errors import InvalidValueError


class CopySettingsOptionError(InvalidValueError):
    """A copy-setting option the shared model refuses; the message names the option."""


def _kind(name: str) -> tuple[type, Any]:
    """The option's type on the command line, and its default (None: not given)."""
    field = CopySettingsFields.model_fields[name]
    default = field.default
    if isinstance(default, bool):
        return bool, None
    if isinstance(default, list):
        return list[str], []
    if isinstance(default, Enum):
        return str, None
    if isinstance(default, int):
        return int, None
    return str, None  # decimals as text: the model parses them exactly


def _metavar(default: Any, kind: type) -> str | None:
    if isinstance(default, Enum):
        return "|".join(str(choice.value) for choice in type(default))
    if kind is str:
        return "DECIMAL"
    return None


def _option(name: str) -> inspect.Parameter:
    field = CopySettingsFields.model_fields[name]
    kind, default = _kind(name)
    flag = "--" + name.replace("_", "-")
    shown = field.default.value if isinstance(field.default, Enum) else field.default
    help_text = f"{field.description} (default: {shown})" if shown not in (None, []) else (
        field.description
    )
    decls = [f"{flag}/--no-{flag[2:]}"] if kind is bool else [flag]
    option = typer.Option(
        default, *decls, help=help_text, show_default=False, metavar=_metavar(field.default, kind)
    )
    annotation = list[str] if kind == list[str] else kind | None
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation
    )


def settings_of_options(given: Mapping[str, Any]) -> CopySettings:
    """The copy settings from the options given (absent ones take the model's defaults)."""
    chosen = {k: v for k, v in given.items() if k in SETTINGS and v not in (None, [])}
    try:
        return CopySettingsFields.model_validate(chosen).copy_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in error.errors()
        )
        raise CopySettingsOptionError(problems) from None


def with_copy_settings(
    command: Callable[..., None], skip: frozenset[str] = frozenset()
) -> Callable[..., None]:
    """``command`` with one option per copy setting (except ``skip``) added to its
    signature; it receives them as keyword arguments, for ``settings_of_options``."""
    signature = inspect.signature(command)
    own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    added = [_option(name) for name in SETTINGS if name not in skip]
    own_named = [p.replace(kind=p.KEYWORD_ONLY) for p in own]
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*own_named, *added]
    )
    return command

