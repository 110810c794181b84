"""Typed identifiers: each kind of id is its own type.

They subclass ``str`` so they cost nothing to store or serialise, while mypy
refuses to pass an ``AccountId`` where a ``RelationshipId`` is expected.
"""

from __future__ import annotations

import hashlib
from typing import Self

from copytrade.domain.errors import InvalidValueError

_MAX_ID_LENGTH = 128


class _Id(str):
    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        if type(value) is cls:  # already this kind of id, so already checked
            return value
        if not isinstance(value, str):
            raise InvalidValueError(f"{cls.__name__} must be a string, got {value!r}")
        if not value or value != value.strip():
            raise InvalidValueError(
                f"{cls.__name__} must be non-empty without surrounding spaces, got {value!r}"
            )
        if len(value) > _MAX_ID_LENGTH:
            raise InvalidValueError(
                f"{cls.__name__} is longer than {_MAX_ID_LENGTH} characters: {value[:20]!r}..."
            )
        return super().__new__(cls, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"


class AccountId(_Id):
    __slots__ = ()


class ProviderId(_Id):
    __slots__ = ()


class FollowerId(_Id):
    __slots__ = ()


class RelationshipId(_Id):
    __slots__ = ()


class OrderId(_Id):
    __slots__ = ()


class FillId(_Id):
    __slots__ = ()


class TradeId(_Id):
    __slots__ = ()


class ClientOrderId(_Id):
    __slots__ = ()

    @classmethod
    def for_copy(
        cls, provider_fill: FillId, relationship: RelationshipId, leg: str = "open"
    ) -> ClientOrderId:
        """Deterministic id of the copy of one provider fill for one relationship.

        Re-delivering the same provider fill derives the same id, so a venue that
        deduplicates by client order id never receives a second order (docs/domain.md, Copying).
        ``leg`` tells apart the two orders of a flip ("close" then "open").
        """
        return cls.derive("cp", provider_fill, relationship, leg)

    @classmethod
    def derive(cls, prefix: str, *parts: str) -> ClientOrderId:
        """A short, stable id from any tuple of parts (stops, manual closes...).

        Hashed so it stays within exchange length limits (some allow only 36).
        """
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return cls(f"{prefix}-{digest[:32]}")


class AlertRuleId(_Id):
    __slots__ = ()
