"""Sending notifications out: e-mail, signed webhooks, Telegram (docs/alerts.md, "Channels")."""
