"""The session cookie the API's sign-in and the web UI's forms both set and clear.

HttpOnly (scripts never see the token) and SameSite=Strict (no other site's page
can make the browser send it), Secure whenever the request came over HTTPS. Its
lifetime is the session's length counted by the browser (Max-Age), not the
server clock's expiry time: a simulated clock must not expire it on arrival.
"""

from __future__ import annotations

from fastapi import Request, Response

from copytrade.api.deps import SESSION_COOKIE, runtime_of
from copytrade.service_layer.identity import SignIn


def set_session_cookie(request: Request, response: Response, signed_in: SignIn) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=runtime_of(request).container.settings.api_session_minutes * 60,
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
