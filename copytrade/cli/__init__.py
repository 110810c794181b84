"""The ``copytrade`` command line."""
