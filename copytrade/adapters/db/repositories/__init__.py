"""Repositories: every SQL query of copytrade lives in this package."""
