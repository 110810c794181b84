"""Column types that keep Decimals exact and timestamps in UTC on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

# SQLAlchemy's TypeDecorator wraps process_*_value in a closure of its own (one more
# Python call per value). Where the dialect's own type adds no processing (SQLite's
# text for ExactDecimal), the processors below hand back the conversion itself: the
# same functions, one call fewer per value (docs/engine.md, "The lean path").


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(38, 18) on PostgreSQL; exact decimal text on SQLite.

    SQLite has no decimal type: its NUMERIC affinity turns a value such as
    12345678.123456789 into a binary float and loses digits, so there the value
    is kept as its canonical text and parsed back into a Decimal.
    """

    impl = Numeric(38, 18)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(38, 18, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        return _decimal_text(value) if dialect.name == "sqlite" else _checked_decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return _decimal_of(value)

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite" and self.impl_instance.bind_processor(dialect) is None:
            return _decimal_text
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        plain = self.impl_instance.result_processor(dialect, coltype) is None
        if dialect.name == "sqlite" and plain:
            return _decimal_of
        return super().result_processor(dialect, coltype)


def _checked_decimal(value: Decimal | None) -> Decimal | None:
    if value is None or (isinstance(value, Decimal) and value.is_finite()):
        return value
    raise _not_exact(value)


def _decimal_text(value: Decimal | None) -> str | None:
    """SQLite's stored form of an exact decimal: its canonical text."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    raise _not_exact(value)


def _not_exact(value: object) -> TypeError:
    return TypeError(f"exact decimal columns take finite Decimals, got {value!r}")


def _decimal_of(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, str) else Decimal(str(value))


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise TypeError(f"timestamps must be timezone-aware, got naive {value.isoformat()}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return _utc_of(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:
            return _utc_of

        def process(value: Any) -> datetime | None:
            return _utc_of(parse(value))

        return process


def _utc_of(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

