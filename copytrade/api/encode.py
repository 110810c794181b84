"""Our values as JSON: Decimals as strings (never floats), times ISO 8601, enums by value."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def decimal_text(value: Decimal) -> str:
    """The same text for the same number on every database: 15 not 15.000000, no exponent."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:  # the common case first: a leaderboard page is thousands of these
        return value
    if kind is tuple or kind is list:
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
