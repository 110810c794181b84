"""The block-execution setting: platform-wide, with per-provider overrides
(docs/domain.md "Block execution", "Where it applies"). Pure.

A block is one order from one account: it is offered where the platform places every
order of the block from its own account (the paper venue). A provider trading on its own
linked exchange account cannot have it (its order is on the exchange before the platform
sees it), and a follower copying on its own exchange account is never part of a block
(its copy is placed on its account, as without block execution).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from copytrade.domain.errors import DomainError


class BlockExecutionError(DomainError):
    """Block execution asked for where the platform does not place the block's orders."""


@dataclass(frozen=True, slots=True)
class BlockExecution:
    enabled: bool = False  # the platform's default; off: every order on its own
    providers: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))

    def for_provider(self, provider: str) -> bool:
        return self.providers.get(provider, self.enabled)

    def with_provider(self, provider: str, enabled: bool | None, live: bool) -> BlockExecution:
        """Set (or with None drop) ``provider``'s override; refused for a provider that
        trades on its own exchange account (``live``)."""
        if enabled and live:
            raise BlockExecutionError(
                f"block execution is not offered for provider {provider}: it trades on its "
                "own exchange account, so its order and its copies cannot be placed as one "
                "block from one account (docs/domain.md, \"Block execution\")"
            )
        overrides = {k: v for k, v in self.providers.items() if k != provider}
        if enabled is not None:
            overrides[provider] = enabled
        return replace(self, providers=MappingProxyType(overrides))

    @staticmethod
    def participates(copy_is_live: bool) -> bool:
        """A copy on a follower's own exchange account trades there, never in a block."""
        return not copy_is_live


__all__ = ["BlockExecution", "BlockExecutionError"]
