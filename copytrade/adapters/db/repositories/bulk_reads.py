"""A full refresh's bulk reads: hundreds of thousands of small rows, without a Row each.

A full statistics refresh reads every provider's daily equity points and its
last 90 days' trade tallies, where building SQLAlchemy's result row (and
running the column types' hooks) for each was most of the reading. Two ways
around it, whichever is cheaper for the table:

- ``packed_rows``: the database packs each key's rows into one text
  (``group_concat`` / ``string_agg``), the fields as text separated by spaces
  (none holds one; NULL becomes an empty field), split here: one row per
  key, values still text, for the caller to parse once. Days are packed as
  ISO text on both backends, so rows sort by day as text.
- ``driver_rows``: the driver's own tuples, as it decoded them (on SQLite
  text for dates and exact decimals, on PostgreSQL ``date`` and ``Decimal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, Select, Text, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from copytrade.adapters.db.repositories.ledger_reads import chunks

SEPARATOR = " "


def _as_text(column: ColumnElement[Any], postgres: bool) -> ColumnElement[Any]:
    if postgres and isinstance(column.type, Date):
        text: ColumnElement[Any] = func.to_char(column, "YYYY-MM-DD")  # ISO, whatever DateStyle
    else:
        text = cast(column, Text)
    return func.coalesce(text, "") if getattr(column, "nullable", True) else text


def packed_rows(
    session: Session,
    key: ColumnElement[Any],
    keys: Sequence[str],
    fields: Sequence[ColumnElement[Any]],
    *where: ColumnElement[bool],
) -> dict[str, list[list[str]]]:
    """For each of ``keys``, the matching rows' ``fields`` as text, by column.

    ``found[key][i]`` lists the ``i``-th field of every row of ``key``, the rows
    in order of the first field's text (a day); a key without rows is missing.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    texts = [_as_text(field, postgres) for field in fields]
    row = texts[0]
    for text in texts[1:]:
        row = row + literal(SEPARATOR) + text
    packed = func.aggregate_strings(row, SEPARATOR)
    width = len(fields)
    found: dict[str, list[list[str]]] = {}
    for part in chunks(keys):
        query = select(key, packed).where(key.in_(part), *where).group_by(key)
        for name, text in session.connection().execute(query).all():
            values = text.split(SEPARATOR)
            columns = [values[i::width] for i in range(width)]
            order = columns[0]
            if order != sorted(order):  # packed in no promised order; mostly in key order
                ranks = sorted(range(len(order)), key=order.__getitem__)
                columns = [[column[i] for i in ranks] for column in columns]
            found[name] = columns
    return found


def driver_rows(session: Session, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the driver returns them: no result rows, no type hooks."""
    result = session.connection().execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()
