"""A process that dies by SIGKILL in the gap between the two books.

    python -m tests.integration.engine.cash_crash_child URL OPERATION

It performs one operation that moves value the venue also holds, and kills
itself when the ledger transfer has committed and the venue has not yet applied
its side (``VenueCash.before_apply``), or, for ``stop_with_position``, when the
venue took the stop's closing order and its answer is not recorded
(``Checkpoints.after_submit``). The test then restarts a platform on the same
database, runs recovery, and checks that the books agree.
"""

from __future__ import annotations

import os
import signal
import sys
from decimal import Decimal as D

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.engine.execution import Checkpoints

from .crash_scenario import running


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(url: str, operation: str) -> int:
    checkpoints = Checkpoints(after_submit=kill if operation == "stop_with_position" else _noop)
    with running(url, checkpoints) as h:
        h.engine.venue_cash.before_apply = kill if operation != "stop_with_position" else _noop
        accounts, actions = h.platform.accounts, h.platform.actions
        if operation == "provider_deposit":
            accounts.deposit(AccountId("pro"), D(500), key="crash:deposit")
        elif operation == "provider_withdraw":
            accounts.withdraw(AccountId("pro"), D(300), key="crash:withdraw")
        elif operation == "become_provider":
            accounts.make_provider(ProviderTerms("late", D(10)))
        elif operation == "follow":
            actions.follow(*_copy("fresh", D(800)))
        elif operation == "follow_as_provider":
            actions.follow(*_copy("pp", D(700)))
        elif operation == "top_up":
            actions.top_up(RelationshipId("fol:pro"), D(200), key="crash:top-up")
        elif operation == "withdraw":
            actions.withdraw(RelationshipId("fol:pro"), D(100), key="crash:withdraw")
        elif operation in ("stop", "stop_with_position"):
            actions.stop(RelationshipId("fol:pro"))
        else:
            raise SystemExit(f"unknown operation {operation!r}")
    return 0


def _copy(follower: str, allocation: D) -> tuple[object, ...]:
    settings = CopySettings(mode=SizingMode.PROPORTIONAL)
    rel = RelationshipId(f"{follower}:pro")
    return rel, FollowerId(follower), ProviderId("pro"), allocation, settings


def _noop() -> None:
    pass


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
