"""The pure domain core: no I/O, no frameworks, Decimal everywhere.

Nothing in this package may import SQLAlchemy, FastAPI, ccxt or touch the
network, the disk or the wall clock; callers pass time and prices in.
"""
