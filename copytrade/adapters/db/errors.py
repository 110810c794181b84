"""Why a database cannot be used: one base class, a message naming the database and the fix."""

from __future__ import annotations


class DatabaseUnusableError(Exception):
    """The configured database cannot be opened or must not be written to."""


class DatabaseUnreachableError(DatabaseUnusableError):
    """No connection: a server that does not answer, a SQLite file in a missing folder."""


class NotADatabaseError(DatabaseUnusableError):
    """The file named as the SQLite database is something else."""


class UnknownRevisionError(DatabaseUnusableError):
    """The database is at a migration this copytrade does not know (a newer one's)."""


class CorruptDatabaseError(DatabaseUnusableError):
    """A SQLite file fails its integrity check: writing to it could make it worse."""


class DatabaseNotEmptyError(DatabaseUnusableError):
    """A command that needs an empty database was given one with tables."""
