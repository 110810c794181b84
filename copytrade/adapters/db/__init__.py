"""Relational persistence: SQLAlchemy 2 schema, engine set-up and migrations."""
