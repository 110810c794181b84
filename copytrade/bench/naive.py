"""The original brief's design, on the same engine pieces: one follower at a time.

The brief's CopyEngine loops over a provider's followers and places each one's
order on its own. ``NaiveFanout`` is that loop, made of the engine's own steps
so that it writes exactly the rows the batched fan-out writes and keeps the
same guarantees; only the batching is gone. For each relationship, in turn:

1. a unit of work loads that one book (cash and positions), sizes it through
   the same ``plan_copies`` (sizing and the risk gate), records its decision
   and its order intent, and commits (intent durable before the send, docs/domain.md, Copying);
2. the venue places that one order in its own transaction (order, fill, venue
   position and cash), like ``PaperVenue.place`` for any single order;
3. the executor books the answer in a unit of work (order status, the fill,
   the position, the ledger transfer with its entries and balances) and commits.

That is three commits per follower where the engine makes three per fan-out,
with the same pragmas (the same database). ``limit`` copies only the first k
relationships, so a large N can be timed on a sample and scaled linearly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from copytrade.bench.timing import now_ns
from copytrade.engine.books import load_books
from copytrade.engine.execution import copy_request
from copytrade.engine.fanout import CopyFanout
from copytrade.engine.messages import ProviderFilled
from copytrade.engine.planning import plan_copies

CONSUMER = "copy-naive"


class NaiveFanout(CopyFanout):
    """``CopyFanout``'s inputs, with the batch replaced by a loop (``limit``: first k only)."""

    limit: int | None = None
    loop_ns = 0  # time of the per-follower loop of the last message
    copied = 0  # relationships the last message was copied to

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        event = ProviderFilled.from_payload(dict(payload))
        with self._uow_factory() as uow:
            if not uow.processed.first_time(CONSUMER, message_id, self._now()):
                return
            rels = self._relationships.for_provider(uow, str(event.provider))
            uow.commit()
        rels = rels[: self.limit] if self.limit is not None else rels
        instrument = self._instruments[event.fill.symbol]
        start = now_ns()
        for rel in rels:
            now = self._now()
            with self._uow_factory() as uow:
                books = load_books(uow, [rel])
                plan = plan_copies(event, instrument, [rel], books, self._prices(), now)
                if plan.must_stop or plan.reattach:
                    raise RuntimeError(
                        f"{rel.id} must stop or reattach: the naive bench copies plain opens "
                        "and closes only"
                    )
                uow.decisions.add_planned(plan.decisions)
                uow.orders.add_copy_orders(plan.orders)
                uow.commit()
            self._executor.execute([copy_request(order) for order in plan.orders])
        self.loop_ns = now_ns() - start
        self.copied = len(rels)
