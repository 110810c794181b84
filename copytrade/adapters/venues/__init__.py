"""Venues: the port every exchange implements, and the paper exchange."""
