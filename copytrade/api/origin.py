"""Whether a request comes from one of our own pages: its Origin (else its Referer)
names this host.

With the SameSite=Strict session cookie this is the CSRF defence of every change a
browser can make with that cookie: the web forms' POSTs (``copytrade.web``) and the
JSON API's unsafe methods when the cookie is what signs the request in
(``deps.token_of``). A browser never adds an ``Authorization: Bearer`` header on its
own, so a request signed in by a bearer token needs no Origin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def same_origin(request: Request) -> bool:
    """Origin (or else Referer) is this host; a request with neither is not ours."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return False
    host = request.headers.get("host", "")
    parts = urlsplit(source)
    return parts.scheme in ("http", "https") and parts.netloc == host
