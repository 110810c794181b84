"""Every row of a database, so a test can say that an operation wrote nothing at all."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Engine, MetaData, select


def every_row(db: Engine, skip: Collection[str] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Table name -> its rows (sorted), for every table but those in ``skip``."""
    tables = MetaData()
    tables.reflect(db)
    with db.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in tables.tables.items()
            if name not in skip
        }
