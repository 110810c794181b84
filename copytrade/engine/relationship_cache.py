"""A provider's copying relationships, cached between fills and invalidated on change.

Every change to a relationship goes through the service layer, which calls
``invalidate``; with several engine processes the same call arrives as a bus
message (docs/engine.md, Shards). Stopped relationships are never copied, so not cached.
"""

from __future__ import annotations

from copytrade.domain.copying import CopyRelationship, RelationshipStatus
from copytrade.engine.unit_of_work import PipelineUnitOfWork

_COPYING = (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED)


class RelationshipCache:
    def __init__(self) -> None:
        self._by_provider: dict[str, list[CopyRelationship]] = {}

    def for_provider(self, uow: PipelineUnitOfWork, provider: str) -> list[CopyRelationship]:
        cached = self._by_provider.get(provider)
        if cached is None:
            cached = uow.relationships.for_provider(provider, _COPYING)
            self._by_provider[provider] = cached
        return cached

    def invalidate(self, provider: str | None = None) -> None:
        if provider is None:
            self._by_provider.clear()
        else:
            self._by_provider.pop(provider, None)
