"""A bounded window of recent prices with a running mean and standard deviation.

Bots keep only the last ``size`` prices (memory does not grow over a long
simulation). Sums are kept as they go, so each tick costs O(1) rather than a
pass over the window. All arithmetic runs in one fixed context, not the
thread's, so a simulation gives the same digits everywhere.
"""

from __future__ import annotations

from collections import deque
from decimal import Context, Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO

# Every bot computes in this context (window.py and the bots enter it), so a
# seed gives the same orders whatever context the caller has set.
BOT_CONTEXT = Context(prec=28)


class PriceWindow:
    """The last ``size`` prices of one symbol."""

    __slots__ = ("_prices", "_sum", "_sum_sq")

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 2:
            raise InvalidValueError(f"a price window holds at least 2 prices, got {size!r}")
        self._prices: deque[Decimal] = deque(maxlen=size)
        self._sum = ZERO
        self._sum_sq = ZERO

    def push(self, price: Decimal) -> None:
        ctx = BOT_CONTEXT
        prices = self._prices
        if len(prices) == prices.maxlen:
            oldest = prices[0]
            self._sum = ctx.subtract(self._sum, oldest)
            self._sum_sq = ctx.subtract(self._sum_sq, ctx.multiply(oldest, oldest))
        prices.append(price)
        self._sum = ctx.add(self._sum, price)
        self._sum_sq = ctx.add(self._sum_sq, ctx.multiply(price, price))

    def __len__(self) -> int:
        return len(self._prices)

    @property
    def full(self) -> bool:
        return len(self._prices) == self._prices.maxlen

    @property
    def oldest(self) -> Decimal:
        return self._prices[0]

    def mean(self) -> Decimal:
        if not self._prices:
            raise InvalidValueError("the mean of an empty price window is undefined")
        return BOT_CONTEXT.divide(self._sum, Decimal(len(self._prices)))

    def stdev(self) -> Decimal:
        """Sample standard deviation (ddof = 1): sqrt((Σp² − (Σp)²/n) / (n − 1))."""
        n = len(self._prices)
        if n < 2:
            raise InvalidValueError(f"a standard deviation needs 2 prices, the window has {n}")
        ctx = BOT_CONTEXT
        squared_sum_over_n = ctx.divide(ctx.multiply(self._sum, self._sum), Decimal(n))
        # Σp and Σp² are exact; only (Σp)²/n rounds, which can leave a tiny
        # negative where the prices are all equal: that is a zero deviation.
        variance = ctx.divide(ctx.subtract(self._sum_sq, squared_sum_over_n), Decimal(n - 1))
        return ctx.sqrt(variance) if variance > ZERO else ZERO
