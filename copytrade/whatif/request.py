"""What a what-if is asked: a provider, a start, an allocation, the follower's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from copytrade.domain.copying import CopySettings
from copytrade.domain.errors import DomainError
from copytrade.domain.values import bounded_amount
from copytrade.marketdata.clock import as_utc


class WhatIfError(DomainError):
    """A what-if that cannot be run as asked (docs/whatif.md, "Asking")."""


# The caps on one what-if, so that one request cannot hog a server (docs/whatif.md,
# "Limits"): the window it replays, and the provider fills in it.
MAX_WINDOW = timedelta(days=366)
MAX_FILLS = 20_000


def check_window(start: datetime, end: datetime, asked: bool) -> None:
    """Refuse a window longer than ``MAX_WINDOW`` (``asked``: the end was given as until;
    otherwise it is where the record ends)."""
    if end - start <= MAX_WINDOW:
        return
    days = MAX_WINDOW.days
    if asked:
        raise WhatIfError(
            f"a what-if covers at most {days} days; from {start:%Y-%m-%d} until "
            f"{end:%Y-%m-%d} is {(end - start).days} (docs/whatif.md, \"Limits\")"
        )
    raise WhatIfError(
        f"a what-if covers at most {days} days, and the record from {start:%Y-%m-%d} runs to "
        f"{end:%Y-%m-%d}: give an until at most {days} days after the start, or a later start "
        "(docs/whatif.md, \"Limits\")"
    )


@dataclass(frozen=True, slots=True)
class WhatIfRequest:
    """Copy ``provider`` from ``start`` (to ``until``, default: everything recorded)
    with ``allocation`` and ``settings``; ``in_place_of``: a relationship of the provider
    whose place at the venue the what-if takes (docs/whatif.md, "A shared, depleting
    book")."""

    provider: str
    start: datetime
    allocation: Decimal
    settings: CopySettings
    until: datetime | None = None
    in_place_of: str | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        if not self.provider:
            raise WhatIfError("a what-if needs a provider")
        put(self, "start", as_utc(self.start, "start"))
        if self.until is not None:
            put(self, "until", as_utc(self.until, "until"))
            if self.until < self.start:
                raise WhatIfError(f"until ({self.until}) is before the start ({self.start})")
            check_window(self.start, self.until, asked=True)
        amount = bounded_amount(self.allocation, "allocation")
        if amount <= 0:
            raise WhatIfError(f"the allocation must be greater than 0, got {amount}")
        put(self, "allocation", amount)
        if self.settings.copy_open_positions:
            raise WhatIfError(
                "copy_open_positions is not offered in a what-if: the provider's positions at "
                "the start are not recorded as fills (docs/whatif.md)"
            )
