"""The HTTP edge (FastAPI): JSON API under /api, the web UI, and the event stream."""
