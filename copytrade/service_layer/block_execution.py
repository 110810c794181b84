"""The block-execution setting (docs/engine.md "Block execution"): the platform's, and
each provider's own, which overrides it.

A provider whose own exchange account is linked to copytrade trades there, not through
the platform: its order is on the exchange before the platform sees it, so it cannot be
held back and placed with its copies as one block. Turning block execution on for it is
refused with a ``BlockExecutionError`` (the domain's rule, ``domain/block/setting.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copytrade.adapters.db.repositories.linked_accounts import LinkedAccountRepository
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.block.setting import BlockExecution
from copytrade.domain.errors import InvalidValueError


@dataclass(frozen=True, slots=True)
class BlockSetting:
    provider: str
    own: bool | None  # the provider's own setting; None: the platform's applies
    platform: bool

    @property
    def enabled(self) -> bool:
        return self.platform if self.own is None else self.own

    def as_json(self) -> dict[str, object]:
        """As the API and ``copytrade providers block-execution --json`` show it."""
        return {
            "provider": self.provider,
            "own": self.own,
            "platform": self.platform,
            "enabled": self.enabled,
        }


class BlockSettings:
    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], platform: bool, offered: bool = True
    ) -> None:
        """``platform``: the platform's setting; ``offered``: False where the fan-out runs
        in shard workers, where no block is placed (docs/engine.md "Block execution")."""
        self._uow_factory = uow_factory
        self.platform = platform and offered
        self._offered = offered

    def enabled(self, provider: str) -> bool:
        """Whether ``provider``'s orders go as blocks now (read at each order)."""
        with self._uow_factory() as uow:
            own = uow.accounts.block_execution(provider)
        return self._offered and (self.platform if own is None else own)

    def of(self, provider: str) -> BlockSetting:
        with self._uow_factory() as uow:
            self._check_provider(uow, provider)
            own = uow.accounts.block_execution(provider)
        return BlockSetting(provider, own, self.platform)

    def set(self, provider: str, enabled: bool | None) -> BlockSetting:
        """Set ``provider``'s own setting (None: follow the platform's)."""
        with self._uow_factory() as uow:
            self._check_provider(uow, provider)
            linked = _trades_own_account(uow, provider)
            BlockExecution(self.platform).with_provider(provider, enabled, live=linked)
            if enabled and not self._offered:
                raise InvalidValueError(
                    "block execution needs the fan-out in the platform's process; with "
                    "shard workers (nats_url set) no block is placed (docs/engine.md "
                    '"Block execution")'
                )
            uow.accounts.set_block_execution(provider, enabled)
            uow.commit()
        return BlockSetting(provider, enabled, self.platform)

    @staticmethod
    def _check_provider(uow: SqlUnitOfWork, provider: str) -> None:
        if not uow.accounts.is_provider(provider):
            raise InvalidValueError(f"{provider!r} is not a provider")


def _trades_own_account(uow: SqlUnitOfWork, provider: str) -> bool:
    """A linked exchange account of the provider's (named by its id, or ``id:<name>``)."""
    return any(
        a.account == provider or a.account.startswith(f"{provider}:")
        for a in LinkedAccountRepository(uow.session).all()
    )
