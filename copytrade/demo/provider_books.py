"""The bot providers' books as the demo's bots see them: read once per moment.

A bot decides from its own book: its signed position in the tick's symbol and its
equity (ledger cash plus positions marked at the moment's prices). Every provider's
book is read in one unit of work when a moment's prices are in; a provider's book
changes only by its own orders (copies, followers and stops never touch it, and
settlements credit it at a day close, before the moment), so after a bot places
orders its book is read again before its next decision, and only its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.valuation import value_book


class ProviderBooks:
    """Cash and positions of the bot providers, refreshed per moment and after trading."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        prices: Callable[[], Mapping[str, Decimal]],
    ) -> None:
        self._uow_factory = uow_factory
        self._prices = prices
        self._cash: dict[str, Decimal] = {}
        self._positions: dict[str, dict[str, StoredPosition]] = {}

    def refresh(self, providers: Sequence[str]) -> None:
        """Read these providers' books (all of them: at the start of a moment)."""
        accounts = [LedgerAccount.follower_free(p) for p in providers]
        with self._uow_factory() as uow:
            positions = uow.positions.for_books(list(providers))
            cash = uow.ledger.balances_of(accounts)
        for provider, account in zip(providers, accounts, strict=True):
            self._cash[provider] = cash.get(account.key, Decimal(0))
            self._positions[provider] = {}
        for (book, symbol), stored in positions.items():
            self._positions[book][symbol] = stored

    def position_and_equity(self, provider: str, symbol: str) -> tuple[Decimal, Decimal]:
        """(signed position in ``symbol``, equity at the current prices) of ``provider``."""
        if provider not in self._cash:
            self.refresh([provider])
        held = self._positions[provider]
        book = value_book(self._cash[provider], (p.position for p in held.values()), self._prices())
        stored = held.get(symbol)
        return (stored.position.qty if stored is not None else Decimal(0)), book.equity

    def traded(self, provider: str) -> None:
        """``provider`` placed orders: its book is read again before its next decision."""
        self._cash.pop(provider, None)
        self._positions.pop(provider, None)
