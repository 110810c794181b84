"""Shards of a provider fill's fan-out, keyed by relationship id (docs/engine.md "Shards").

Each relationship belongs to exactly one of N shards, by a stable hash of its id
that every process computes alike. A fan-out worker of shard k copies only its
shard's relationships, under a consumer name of its own, so N workers that each
handle every ProviderFilled message in order give together what one gives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

BASE_CONSUMER = "copy-fanout"


def shard_of(relationship_id: str, count: int) -> int:
    """The shard (0 … count − 1) of a relationship: stable across processes and runs
    (Python's own ``hash`` of a string is salted per process, so never that)."""
    digest = hashlib.blake2b(relationship_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass(frozen=True, slots=True)
class Shard:
    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"no shard {self.index} of {self.count}: shards count from 0")

    def owns(self, relationship_id: str) -> bool:
        return self.count == 1 or shard_of(relationship_id, self.count) == self.index

    @property
    def consumer(self) -> str:
        """The name its processed-message records carry: one shard keeps the plain name."""
        return BASE_CONSUMER if self.count == 1 else f"{BASE_CONSUMER}:{self.index}/{self.count}"

    @property
    def durable(self) -> str:
        """Its durable consumer's name on a broker (no ``:`` or ``/`` there)."""
        return f"{BASE_CONSUMER}-{self.index}-of-{self.count}"


def all_shards(count: int) -> tuple[Shard, ...]:
    if count < 1:
        raise ValueError(f"the fan-out needs at least one shard, not {count}")
    return tuple(Shard(index, count) for index in range(count))
