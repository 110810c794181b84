"""The double-entry ledger (docs/domain.md, The ledger): accounts, transfers, posting rules, a
reference ledger.

Every movement of value is a ``Transfer`` whose entries sum to zero per currency;
``check_transfer`` decides whether it may be posted against current balances.
See docs/domain.md.
"""

from copytrade.domain.ledger.accounts import (
    COUNTERPARTY_KINDS,
    DEFAULT_VENUE,
    PLATFORM_OWNER,
    TRADING_KINDS,
    WORLD_OWNER,
    LedgerAccount,
    LedgerAccountKind,
)
from copytrade.domain.ledger.errors import (
    IdempotencyConflictError,
    InsufficientFundsError,
    LedgerError,
    ReversalError,
    UnbalancedTransferError,
)
from copytrade.domain.ledger.memory import InMemoryLedger
from copytrade.domain.ledger.movements import (
    allocate,
    deposit,
    exchange,
    move,
    pay_out_earnings,
    profit_share,
    realized_pnl,
    release,
    trading_fee,
    withdraw,
)
from copytrade.domain.ledger.port import Ledger, PostResult, StatementLine
from copytrade.domain.ledger.reversals import check_reversal, reversal_of
from copytrade.domain.ledger.rules import check_transfer, is_replay
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind, sums_by_currency

__all__ = [
    "COUNTERPARTY_KINDS",
    "DEFAULT_VENUE",
    "PLATFORM_OWNER",
    "TRADING_KINDS",
    "WORLD_OWNER",
    "IdempotencyConflictError",
    "InMemoryLedger",
    "InsufficientFundsError",
    "Ledger",
    "LedgerAccount",
    "LedgerAccountKind",
    "LedgerError",
    "PostResult",
    "Posting",
    "ReversalError",
    "StatementLine",
    "Transfer",
    "TransferKind",
    "UnbalancedTransferError",
    "allocate",
    "check_reversal",
    "check_transfer",
    "deposit",
    "exchange",
    "is_replay",
    "move",
    "pay_out_earnings",
    "profit_share",
    "realized_pnl",
    "release",
    "reversal_of",
    "sums_by_currency",
    "trading_fee",
    "withdraw",
]
