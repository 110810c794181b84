"""Declarative base with naming conventions, so migrations name constraints stably."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column

from copytrade.adapters.db.types import ExactDecimal

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 128


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def money(  # type: ignore[no-untyped-def]
    nullable: bool = False, default: Decimal | None = None, sort_order: int = 0
):
    """An exact decimal column (money, quantity, price or percentage); ``sort_order``
    places a mixin's column among its table's (SQLAlchemy's ``mapped_column``)."""
    return mapped_column(ExactDecimal(), nullable=nullable, default=default, sort_order=sort_order)
