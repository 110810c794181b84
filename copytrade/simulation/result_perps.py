"""RESULT.json's ``liquidations`` and ``funding`` (docs/scenarios.md "Perpetuals").

Written only for a scenario with margin rules on an instrument, a funding event or a
price file's funding column, so
the RESULT.json of scenarios recorded before liquidation and funding stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from copytrade.adapters.db.schema import FillRow, LedgerEntryRow, LedgerTransferRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.ledger import TRADING_KINDS, TransferKind
from copytrade.domain.order_events import Liquidity
from copytrade.simulation.scenario import Funding, Scenario

Row = dict[str, Any]


def perp_sections(
    uow: SqlUnitOfWork, scenario: Scenario, owners: Mapping[str, str]
) -> dict[str, Any]:
    liquidates = any(i.liquidates for i in scenario.instruments)
    funds = scenario.csv_funding or any(isinstance(e, Funding) for e in scenario.events)
    if not liquidates and not funds:
        return {}
    return {"liquidations": _liquidations(uow, owners), "funding": _funding(uow, owners)}


def _liquidations(uow: SqlUnitOfWork, owners: Mapping[str, str]) -> list[Row]:
    fill = FillRow
    query = (
        select(fill.ts, fill.book, fill.symbol, fill.side, fill.qty, fill.price, fill.fee)
        .where(fill.liquidity == Liquidity.LIQUIDATION.value)
        .order_by(fill.id)
    )
    return [
        {
            "at": row.ts,
            "book": row.book,
            "account": owners.get(row.book, row.book),
            "symbol": row.symbol,
            "side": row.side,
            "qty": row.qty,
            "price": row.price,
            "fee": row.fee,
        }
        for row in uow.session.execute(query)
    ]


def _funding(uow: SqlUnitOfWork, owners: Mapping[str, str]) -> list[Row]:
    """Each book's funding payment: what its cash received (> 0) or paid (< 0)."""
    transfer, entry = LedgerTransferRow, LedgerEntryRow
    kinds = tuple(f"{kind.value}:" for kind in TRADING_KINDS)
    query = (
        select(transfer.ts, transfer.memo, entry.account, entry.amount)
        .join(entry, entry.transfer_id == transfer.id)
        .where(transfer.kind == TransferKind.FUNDING.value)
        .order_by(transfer.id, entry.id)
    )
    rows = []
    for row in uow.session.execute(query):
        if not row.account.startswith(kinds):
            continue
        book = row.account.split(":", 1)[1].rsplit(":", 1)[0]
        rows.append(
            {
                "at": row.ts,
                "book": book,
                "account": owners.get(book, book),
                "amount": row.amount,
                "memo": row.memo,
            }
        )
    return rows


__all__ = ["perp_sections"]
