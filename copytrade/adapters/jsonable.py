"""RESULT.json values: an explicit converter, so no number ever becomes a float.

Decimals become plain strings without padding zeros or exponents ("1000",
"0.1", never "1E+3" or "1000.00000000"), so results read the same on every
backend; dates and times become ISO-8601; timedeltas become seconds as a
decimal string. Anything else that is not plain JSON is a bug and raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from copytrade.adapters.db.repositories.ledger_reads import trimmed
from copytrade.marketdata.clock import as_utc


def decimal_text(value: Decimal) -> str:
    """``value`` in plain notation without trailing zeros; zero is always "0"."""
    if value == 0:
        return "0"  # also folds -0 and 0E-8
    return format(trimmed(value), "f")


def to_jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dicts, lists, str, int, bool, None only)."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return as_utc(value, "result time").isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        micros = Decimal(value // timedelta(microseconds=1))
        return decimal_text(micros / Decimal(1_000_000))
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [to_jsonable(item) for item in value]
    raise TypeError(f"cannot put {type(value).__name__} {value!r} into RESULT.json")


def dump_result(result: Mapping[str, Any]) -> str:
    """The result as JSON text: keys sorted, two-space indent, a final newline."""
    return json.dumps(to_jsonable(result), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
