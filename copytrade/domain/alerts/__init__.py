"""Technical-indicator alerts, the pure part: candles, rule conditions and their parser,
and the firing rules of a rule (docs/alerts.md)."""
