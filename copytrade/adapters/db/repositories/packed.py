"""Many small rows per key, read as one packed text per key (a full refresh's bulk reads).

A full statistics refresh reads every provider's daily equity points and its
last 90 days' trade tallies: hundreds of thousands of rows, where building a
result row each was most of the refresh's reading. Here the database packs
each key's rows into one text (``group_concat`` / ``string_agg``), the fields
as text separated by spaces (none holds one; NULL becomes an empty field),
and they are split here: one row per key, values still text, for the caller
to parse once. Days are packed as ISO text on both backends, so rows sort by
day as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, Text, cast, func, literal, select
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
