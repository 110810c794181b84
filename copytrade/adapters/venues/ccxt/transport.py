"""What ccxt's sync client needs of a ``requests`` session, sent by ``urllib3`` directly
(docs/venues.md, "Per-call overhead").

ccxt sends every call through ``session.request(...)`` and reads the status, reason,
headers and text of the answer. ``requests`` adds, per call, a prepared request, merged
settings, hooks, a cookie jar and an adapter around ``urllib3``: a fifth of an order's
CPU on the client. This session does the same call on a ``urllib3`` pool (the library
``requests`` itself sends with), and raises ``requests``' own exceptions for what
``requests`` would raise, so ccxt's error handling (timeouts, dropped connections, HTTP
errors) is unchanged. A call with proxies or files is handed to a real ``requests``
session.
"""

from __future__ import annotations

from typing import Any

import requests
import urllib3
from requests.utils import DEFAULT_CA_BUNDLE_PATH, default_headers
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    ReadTimeoutError,
    SSLError,
)

# requests' own: a call is never retried by the transport (the adapter's idempotency
# decides what is sent again), except that a pooled connection found closed is replaced.
_NO_RETRIES = urllib3.Retry(0, read=False, redirect=False)


class _NoCookies:
    """ccxt clears the session's cookies before each call; exchange APIs set none."""

    def clear(self) -> None:
        return None


class LeanResponse:
    """The parts of ``requests.Response`` ccxt reads."""

    def __init__(self, answer: urllib3.BaseHTTPResponse, url: str) -> None:
        self.status_code = answer.status
        self.reason = answer.reason
        self.headers = answer.headers  # case-insensitive, as requests' are
        self.content: bytes = answer.data
        self.url = url
        self.encoding = "utf-8"

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding, errors="replace")

    def raise_for_status(self) -> None:
        if 400 <= self.status_code < 600:
            raise requests.HTTPError(
                f"{self.status_code} {self.reason} for url: {self.url}", response=None
            )


class LeanSession:
    """A ``requests.Session`` stand-in for ccxt's sync client, one ``urllib3`` pool."""

    def __init__(self, ca_bundle: str | None = None) -> None:
        self.headers = default_headers()
        self.cookies = _NoCookies()
        self.trust_env = False
        # requests' certificate check: the environment's bundle, else certifi's.
        self._ca_bundle = ca_bundle or DEFAULT_CA_BUNDLE_PATH
        self._pools = urllib3.PoolManager(
            num_pools=4, maxsize=1, block=False, cert_reqs="CERT_REQUIRED",
            ca_certs=self._ca_bundle,
        )
        self._fallback: requests.Session | None = None

    def request(
        self, method: str, url: str, data: bytes | None = None,
        headers: dict[str, str] | None = None, timeout: float | None = None,
        proxies: dict[str, str] | None = None, verify: bool = True, files: Any = None,
    ) -> Any:
        if proxies or files or not verify:
            return self._requests().request(
                method, url, data=data, headers=headers, timeout=timeout, proxies=proxies,
                verify=verify, files=files,
            )
        try:
            answer = self._pools.request(
                method, url, body=data, headers=headers, retries=_NO_RETRIES,
                timeout=urllib3.Timeout(connect=timeout, read=timeout), redirect=False,
            )
        except MaxRetryError as error:
            raise _as_requests_error(error.reason or error) from error
        except HTTPError as error:
            raise _as_requests_error(error) from error
        return LeanResponse(answer, url)

    def _requests(self) -> requests.Session:
        if self._fallback is None:
            self._fallback = requests.Session()
            self._fallback.trust_env = False
            self._fallback.verify = self._ca_bundle
        return self._fallback

    def close(self) -> None:
        self._pools.clear()
        if self._fallback is not None:
            self._fallback.close()


def _as_requests_error(error: BaseException) -> requests.RequestException:
    """What ``requests`` raises for ``urllib3``'s ``error`` (its adapter's mapping)."""
    if isinstance(error, ConnectTimeoutError):
        return requests.ConnectTimeout(str(error))
    if isinstance(error, ReadTimeoutError):
        return requests.ReadTimeout(str(error))
    if isinstance(error, SSLError):
        return requests.exceptions.SSLError(str(error))
    # A refused or dropped connection (NewConnectionError, ProtocolError), and the rest.
    return requests.ConnectionError(str(error))
