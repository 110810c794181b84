"""Alembic migrations; run through ``copytrade db upgrade`` or ``upgrade_database``."""
