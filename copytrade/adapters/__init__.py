"""Adapters: the outside world (databases, venues, buses) behind the domain's ports."""
