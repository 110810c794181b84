"""Technical indicators computed incrementally by TA-Lib streams (docs/alerts.md, "Indicators")."""

from copytrade.adapters.indicators.bank import IndicatorBank, value_text

__all__ = ["IndicatorBank", "value_text"]
