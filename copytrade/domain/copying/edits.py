"""Editing a relationship's copy settings after following (docs/domain.md, "Editing copy
settings"): the new settings are built, and so validated, exactly like a follow's, and
each changed setting is named with its old and new value for the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from decimal import Decimal
from enum import Enum
from typing import Any

from copytrade.domain.copying.settings import CopySettings
from copytrade.domain.errors import InvalidValueError

SETTING_NAMES = tuple(f.name for f in fields(CopySettings) if f.init)


def edit_settings(
    current: CopySettings, changes: Mapping[str, Any]
) -> tuple[CopySettings, dict[str, dict[str, Any]]]:
    """The settings with ``changes`` applied, and ``{name: {"old": .., "new": ..}}`` for
    each setting whose value changed (empty when none did), values as plain text."""
    unknown = sorted(set(changes) - set(SETTING_NAMES))
    if unknown:
        raise InvalidValueError(
            f"no copy setting named {', '.join(unknown)}; the settings are "
            f"{', '.join(SETTING_NAMES)}"
        )
    edited = replace(current, **changes)  # __post_init__ validates, as for a follow
    changed = {
        name: {"old": plain_setting(getattr(current, name)), "new": plain_setting(new)}
        for name in SETTING_NAMES
        if (new := getattr(edited, name)) != getattr(current, name)
    }
    return edited, changed


def plain_setting(value: object) -> Any:
    """A setting as JSON holds it: decimals as text, symbol sets as sorted lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1.000 as "1", 100 as "100"
    if isinstance(value, frozenset):
        return sorted(value)
    return value
