"""The in-memory unit of work and venue the tests use are product adapters now:
``copytrade/adapters/memory/`` (one implementation for tests and product)."""
