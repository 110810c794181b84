"""The HTTP edge (FastAPI): the JSON API under /api/v1, the event stream, and the runtime
(the platform under the engine lock) that it, the web pages and the server share."""
