"""Pages of a long list (decisions, trades, orders): which page, and whether there are more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from copytrade.web import forms

MAX_PAGE = 100_000


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    size: int
    shown: int  # rows on this page
    total: int | None = None  # None where the read gives no count: a full page may have more

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        if self.total is None:
            return self.shown == self.size
        return self.page * self.size < self.total


def page_asked(query: Mapping[str, object], name: str = "page") -> int:
    """The page number in the query (1 when absent); a FormError for anything else."""
    return forms.int_or_none(query, name, low=1, high=MAX_PAGE) or 1


def offset(page: int, size: int) -> int:
    return (page - 1) * size
