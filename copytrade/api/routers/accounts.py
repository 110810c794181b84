"""The signed-in user's account: free balance, copy allocations, paper deposits and withdrawals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from copytrade.api.deps import Me
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.inputs import Amount, IdempotencyKey
from copytrade.api.paths import API_V1
from copytrade.api.wire import wire_model
from copytrade.service_layer.following.views import AccountView

router = APIRouter(prefix=f"{API_V1}/accounts", tags=["accounts"], responses=errors(401))
AccountOut = wire_model(AccountView)
MOVE = errors(403, 409, 413, 422)


class MoneyMove(BaseModel):
    """An amount to move, with the key that makes repeating the request safe."""

    model_config = ConfigDict(extra="forbid")

    amount: Amount
    idempotency_key: IdempotencyKey


@router.get("/me", response_model=AccountOut)
def my_account(me: Me) -> dict[str, Any]:
    """Free balance (from the ledger), and each relationship's allocation, equity and PnL."""
    result: dict[str, Any] = plain(me.views.account(me.id))
    return result


@router.post("/me/deposit", response_model=AccountOut, responses=MOVE)
def deposit(body: MoneyMove, me: Me) -> dict[str, Any]:
    """Paper money into the free balance; the same idempotency key never deposits twice."""
    me.act(lambda: me.commands.deposit_funds(me.id, body.amount, body.idempotency_key))
    return my_account(me)


@router.post("/me/withdraw", response_model=AccountOut, responses=MOVE)
def withdraw(body: MoneyMove, me: Me) -> dict[str, Any]:
    """Paper money out of the free balance: at most the free balance (422 otherwise)."""
    me.act(lambda: me.commands.withdraw_funds(me.id, body.amount, body.idempotency_key))
    return my_account(me)
