"""The one place the web UI starts a copy relationship.

Copying goes through the following service (jurisdiction rules, the stored risk
acknowledgement, allocation limits). Until that service exists this refuses
every follow with a clear message, so the web UI never bypasses those checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.errors import DomainError
from copytrade.server.runtime import ServerRuntime
from copytrade.service_layer.identity import User


class CopyingUnavailableError(DomainError):
    """Copying is not offered through the web UI on this server yet."""


@dataclass(frozen=True, slots=True)
class FollowRequest:
    provider_id: str
    allocation: Decimal
    disclosure_version: str  # the risk disclosure the user ticked, as shown on the form


def start_following(runtime: ServerRuntime, user: User, wanted: FollowRequest) -> str:
    """Start copying; returns the new relationship's id."""
    raise CopyingUnavailableError(
        "copying is not open on this server yet: nothing was allocated"
    )
