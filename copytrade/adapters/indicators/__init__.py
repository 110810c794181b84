"""Technical indicators computed incrementally by talipp (docs/alerts.md, "Indicators")."""

from copytrade.adapters.indicators.bank import IndicatorBank, value_text

__all__ = ["IndicatorBank", "value_text"]
