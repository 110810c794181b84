"""The routed venue: each book's orders go to its venue, one batch per venue, and one
venue's failure does not decide the others' orders (docs/venues.md, "Followers on their
own accounts")."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from copytrade.adapters.memory.venue import MemoryVenue
from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.port import OrderRequest
from copytrade.adapters.venues.routing import RoutedVenue
from copytrade.domain.block.setting import BlockExecutionError
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import PERP

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _venues() -> tuple[MemoryVenue, MemoryVenue, RoutedVenue]:
    paper, live = (MemoryVenue({PERP.symbol: PERP}, lambda: NOW) for _ in range(2))
    for venue in (paper, live):
        venue.set_price(PERP.symbol, Decimal(50_000), NOW)
    return paper, live, RoutedVenue(paper, {"live-book": live}, lambda: NOW)


def _order(book: str, n: int) -> OrderRequest:
    return OrderRequest(
        ClientOrderId.derive("cp", f"{book}-{n}"), book, PERP.symbol, "buy", "market",
        Decimal("0.001"),
    )


def test_each_book_goes_to_its_venue_in_one_batch_and_answers_keep_their_order() -> None:
    paper, live, routed = _venues()
    requests = [_order("paper-book", 1), _order("live-book", 1), _order("paper-book", 2)]
    answers = routed.place_batch(requests)
    assert [a.client_order_id for a in answers] == [r.client_order_id for r in requests]
    assert [r.account for r in paper.placed] == ["paper-book", "paper-book"]
    assert [r.account for r in live.placed] == ["live-book"]
    assert routed.is_live("live-book") and not routed.is_live("paper-book")


def test_a_permanent_error_of_one_venue_rejects_only_its_orders() -> None:
    _, live, routed = _venues()
    live.errors.append(PermanentVenueError("the key was revoked", "authentication_failed"))
    answers = routed.place_batch([_order("paper-book", 1), _order("live-book", 1)])
    assert [a.status for a in answers] == [OrderStatus.FILLED, OrderStatus.REJECTED]
    assert answers[1].reason == "authentication_failed: the key was revoked"


def test_a_temporary_error_is_raised_after_every_venue_was_tried() -> None:
    paper, live, routed = _venues()
    live.errors.append(TemporaryVenueError("429"))
    requests = [_order("live-book", 1), _order("paper-book", 1)]
    with pytest.raises(TemporaryVenueError):
        routed.place_batch(requests)
    assert [r.account for r in paper.placed] == ["paper-book"]  # placed, answered on retry
    assert [a.status for a in routed.place_batch(requests)] == [OrderStatus.FILLED] * 2
    assert len(paper.placed) == 1  # the retry found it by client order id


def test_a_block_with_a_live_book_or_without_a_paper_venue_is_refused() -> None:
    _, _, routed = _venues()
    with pytest.raises(BlockExecutionError, match="on an exchange account \\(live-book\\)"):
        routed.place_block([_order("paper-book", 1), _order("live-book", 1)])
    # The memory venue places no blocks: only the paper venue does (docs/venues.md).
    with pytest.raises(BlockExecutionError, match="needs the paper venue"):
        routed.place_block([_order("paper-book", 1)])
