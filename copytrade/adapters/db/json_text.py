"""JSON text as the database stores it: outbox payloads and firing values.

orjson (PyPI ``orjson``, a maintained encoder in Rust, about ten times the standard
library's speed) with the keys sorted, so equal payloads are equal text. Anything it
does not encode itself (``Decimal``, dates, dataclasses) is written as ``str(value)``,
as the standard library's ``json.dumps(..., default=str)`` wrote it before; the text
is compact (no space after ``:`` and ``,``).
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_text(value: Any) -> str:
    return orjson.dumps(value, default=str, option=_OPTIONS).decode()
