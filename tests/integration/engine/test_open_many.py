"""Accounts opened together (``AccountService.open_many``, docs/demo.md "The run"): as
``register`` then ``deposit`` of each, in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.repositories.accounts import DuplicateAccountError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import LedgerAccount
from copytrade.service_layer.accounts import Opening
from tests.integration.engine.harness import Harness


def _free(h: Harness, account: str) -> D:
    with h.platform.uow() as uow:
        return uow.ledger.balance(LedgerAccount.follower_free(AccountId(account)))


def test_accounts_opened_together_hold_what_one_by_one_would(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.follower("solo", "300")
    h.platform.accounts.open_many([
        Opening(AccountId("a"), "Ada", D("250"), "dep:a"),
        Opening(AccountId("b"), "Ben", D("1000.5"), "dep:b"),
    ])  # fmt: skip
    assert (_free(h, "a"), _free(h, "b"), _free(h, "solo")) == (D(250), D("1000.5"), D(300))
    with h.platform.uow() as uow:
        assert uow.accounts.display_name("b") == "Ben"
        assert uow.ledger.transfer("dep:a") is not None


def test_one_bad_opening_opens_none_of_them(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.follower("solo", "300")
    with pytest.raises(DuplicateAccountError):
        h.platform.accounts.open_many([
            Opening(AccountId("a"), "Ada", D("250"), "dep:a"),
            Opening(AccountId("solo"), "Solo", D("5"), "dep:solo-again"),
        ])  # fmt: skip
    with h.platform.uow() as uow:
        assert not uow.accounts.exists("a")
        assert uow.ledger.transfer("dep:a") is None
    assert _free(h, "solo") == D(300)
