"""What only the paper venue can do: on a live exchange each raises
UnsupportedOperationError (the platform cannot move money on a live account;
docs/venues.md, "Live exchanges (ccxt)")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.ccxt.connection import CcxtConnection
from copytrade.adapters.venues.errors import UnsupportedOperationError
from copytrade.adapters.venues.port import AccountHoldings, CashMove, FundingPayment
from copytrade.domain.order_events import Fill


class PaperOnlyOperations(CcxtConnection):
    def _unsupported(self, what: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            f"{what} is not possible on a live exchange ({self._quirks.exchange}): "
            "only the paper venue can do it (docs/venues.md, \"Live exchanges\")"
        )

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        raise self._unsupported("reading one fill stream of all accounts")

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        raise self._unsupported("setting a price")

    def set_prices(self, points: Mapping[str, Decimal], ts: datetime) -> list[Fill]:
        raise self._unsupported("setting a price")

    def prices(self) -> dict[str, Decimal]:
        raise self._unsupported("reading the paper price table")

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal:
        raise self._unsupported("depositing")

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal:
        raise self._unsupported("withdrawing")

    def withdrawable(self, account: str, currency: str) -> Decimal:
        raise self._unsupported("moving cash")

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        raise self._unsupported("moving cash")

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        raise self._unsupported("moving cash")

    def holdings(self) -> dict[str, AccountHoldings]:
        raise self._unsupported("reading every account at one instant")

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        raise self._unsupported("paying funding (the exchange charges it itself)")
