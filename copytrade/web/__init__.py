"""The server-rendered web UI: Jinja2 pages over the same runtime as the JSON API."""
