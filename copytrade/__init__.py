"""copytrade: a copy-trading (social trading) platform for crypto markets."""

__version__ = "0.1.0"
