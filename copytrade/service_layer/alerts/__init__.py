"""Alert rules as use cases, their evaluation on closed candles, and replay
(docs/alerts.md)."""
