"""The in-memory unit of work's undo log (docs/whatif.md, "Speed").

A unit of work writes the committed state in place and logs, for each write, how
to take it back: the old value of a dict key, whether a set held a member, a
list's length before an append, an item's old value, a ledger posting. Leaving
without a commit takes the writes back, newest first; a commit forgets them. So
opening a unit of work costs nothing, however large the state (copy-on-open made
every unit of work cost the size of everything stored). The entries are plain
data naming the table, so they can also be taken back on a copy of the state
(``undo``): that is how a unit of work opened inside another one still sees only
what was committed.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from copytrade.domain.ledger import PostResult, Transfer

from .state import MemoryState

_MISSING = object()
_KEY, _MEMBER, _LENGTH, _ITEM, _POSTED = range(5)
Entry = tuple[int, str, Any, Any]


class UndoLog:
    """The writes of one unit of work to ``state``, each with how to take it back."""

    def __init__(self, state: MemoryState) -> None:
        self.state = state
        self.entries: list[Entry] = []

    def put(self, table: str, key: Hashable, value: Any) -> None:
        rows: dict[Any, Any] = getattr(self.state, table)
        self.entries.append((_KEY, table, key, rows.get(key, _MISSING)))
        rows[key] = value

    def remove(self, table: str, key: Hashable) -> None:
        rows: dict[Any, Any] = getattr(self.state, table)
        if key in rows:
            self.entries.append((_KEY, table, key, rows.pop(key)))

    def add(self, table: str, member: Hashable) -> None:
        members: set[Any] = getattr(self.state, table)
        if member not in members:
            members.add(member)
            self.entries.append((_MEMBER, table, member, False))

    def discard(self, table: str, member: Hashable) -> None:
        members: set[Any] = getattr(self.state, table)
        if member in members:
            members.discard(member)
            self.entries.append((_MEMBER, table, member, True))

    def extend(self, table: str, items: Iterable[Any]) -> None:
        rows: list[Any] = getattr(self.state, table)
        self.entries.append((_LENGTH, table, len(rows), None))
        rows.extend(items)

    def replace_at(self, table: str, index: int, value: Any) -> None:
        rows: list[Any] = getattr(self.state, table)
        self.entries.append((_ITEM, table, index, rows[index]))
        rows[index] = value

    def post(self, transfer: Transfer) -> PostResult:
        """Posted with the domain's rules (a refusal writes nothing, so logs nothing)."""
        result = self.state.ledger.post(transfer)
        if not result.replayed:
            self.entries.append((_POSTED, "ledger", None, None))
        return result

    def take_back(self) -> None:
        undo(self.entries, self.state)
        self.entries.clear()


def undo(entries: list[Entry], state: MemoryState) -> None:
    """Take ``entries`` back on ``state`` (the state they were made on, or a copy)."""
    for kind, table, key, old in reversed(entries):
        rows = getattr(state, table)
        if kind == _KEY:
            if old is _MISSING:
                del rows[key]
            else:
                rows[key] = old
        elif kind == _MEMBER:
            if old:
                rows.add(key)
            else:
                rows.discard(key)
        elif kind == _LENGTH:
            del rows[key:]
        elif kind == _ITEM:
            rows[key] = old
        else:
            rows.unpost_last()
