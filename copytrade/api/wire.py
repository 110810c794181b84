"""The answers' schemas: pydantic models of what each operation sends (docs/api.md).

Handlers keep building their answers with ``encode.plain`` (Decimals as their
shortest exact text), so the wire format is exactly what it was; the models only
describe and check it. A read model that is a dataclass of the layers below gets
its model derived here (``wire_model``), field for field, so the two never drift;
every model refuses keys it does not declare, so an answer that gains or loses a
field fails the tests (a 500) instead of silently leaving the documented schema.
"""

from __future__ import annotations

import dataclasses
import types
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from copytrade.api.inputs import PLAIN_DECIMAL

Money = Annotated[
    str,
    Field(
        pattern=PLAIN_DECIMAL,
        description="A decimal number as text, in its shortest exact form.",
        examples=["1250.5"],
    ),
]
Timestamp = Annotated[
    str, Field(description="An ISO 8601 time.", examples=["2026-01-05T00:00:00+00:00"])
]
Day = Annotated[str, Field(description="An ISO 8601 date.", examples=["2026-01-05"])]


class Out(BaseModel):
    """An answer's object: exactly the declared keys."""

    model_config = ConfigDict(extra="forbid")


_DERIVED: dict[type, type[BaseModel]] = {}
_SCALARS = (str, int, bool, float, type(None))


def wire_model(cls: type, **more: Any) -> type[BaseModel]:
    """The answer model of the dataclass ``cls`` as ``encode.plain`` renders it, with
    ``more`` fields (name=(type, default)) that the answer adds to it."""
    if not more and cls in _DERIVED:
        return _DERIVED[cls]
    hints = get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (wire_type(hints[f.name]), ...) for f in dataclasses.fields(cls) if f.init
    }
    fields.update(more)
    model: type[BaseModel] = create_model(
        cls.__name__ + ("Out" if more else ""),
        __base__=Out,
        __doc__=cls.__doc__ if cls.__doc__ and not cls.__doc__.startswith(cls.__name__) else None,
        **fields,
    )
    if not more:
        _DERIVED[cls] = model
    return model


def wire_type(kind: Any) -> Any:
    """What ``encode.plain`` makes of a value of type ``kind``, as a pydantic type."""
    origin, args = get_origin(kind), get_args(kind)
    if kind is Decimal:
        return Money
    if kind is datetime:
        return Timestamp
    if kind is date:
        return Day
    if kind in _SCALARS or kind is Any:
        return kind
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if origin in (Union, types.UnionType):
        return Union[tuple(wire_type(a) for a in args)]  # noqa: UP007 (built at run time)
    if origin in (tuple, list):
        return list[wire_type(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[str, wire_type(args[1])]  # type: ignore[misc]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return wire_model(kind)
    raise TypeError(f"no wire type for {kind!r}")
