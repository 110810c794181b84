"""What a condition can name: an indicator with its parameters, and one of its outputs.

``IndicatorSpec`` is the unit of sharing: one (symbol, timeframe, spec) is computed once
for every rule that names it, whichever output each rule reads (docs/alerts.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from copytrade.domain.alerts.errors import InvalidAlertError

MAX_PERIOD = 1000


class Kind(Enum):
    PRICE = "price"
    RSI = "RSI"
    SMA = "SMA"
    EMA = "EMA"
    MACD = "MACD"
    BOLLINGER = "Bollinger"
    ATR = "ATR"


# The outputs each kind has; the first is what the bare name means.
OUTPUTS: dict[Kind, tuple[str, ...]] = {
    Kind.PRICE: ("close", "open", "high", "low"),
    Kind.RSI: ("value",),
    Kind.SMA: ("value",),
    Kind.EMA: ("value",),
    Kind.MACD: ("line", "signal", "histogram"),
    Kind.BOLLINGER: ("middle", "lower", "upper"),
    Kind.ATR: ("value",),
}
MACD_DEFAULT = (12, 26, 9)


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    kind: Kind
    params: tuple[Decimal, ...] = ()
    # Hashed once: every closed candle looks values up by spec and series.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_params(self)
        object.__setattr__(self, "_hash", hash((self.kind, self.params)))

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        if not self.params:
            return self.kind.value
        return f"{self.kind.value}({', '.join(str(p) for p in self.params)})"

    @property
    def warm_up(self) -> int:
        """Closed candles before the first value (the longest period, plus signal)."""
        if self.kind is Kind.MACD:
            return int(self.params[1] + self.params[2])
        return int(self.params[0]) + 1 if self.params else 1


@dataclass(frozen=True, slots=True)
class SeriesRef:
    """One output of one indicator, e.g. the histogram of MACD(12, 26, 9)."""

    spec: IndicatorSpec
    output: str
    _hash: int = field(init=False, repr=False, compare=False)
    _text: str = field(init=False, repr=False, compare=False)  # each firing names it

    def __post_init__(self) -> None:
        if self.output not in OUTPUTS[self.spec.kind]:
            raise InvalidAlertError(
                f"{self.spec.kind.value} has no output {self.output!r}; "
                f"it has {', '.join(OUTPUTS[self.spec.kind])}"
            )
        object.__setattr__(self, "_hash", hash((self.spec, self.output)))
        object.__setattr__(self, "_text", self._name())

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        return self._text

    def _name(self) -> str:
        kind = self.spec.kind
        if kind is Kind.PRICE:
            return "price" if self.output == "close" else self.output
        if kind is Kind.BOLLINGER:
            return f"{self.output} {self.spec}"
        if kind is Kind.MACD:
            return f"{self.spec} {self.output}"
        return str(self.spec)



def _check_params(spec: IndicatorSpec) -> None:
    kind, params = spec.kind, spec.params
    expected = {Kind.PRICE: 0, Kind.MACD: 3, Kind.BOLLINGER: 2}.get(kind, 1)
    if len(params) != expected:
        raise InvalidAlertError(f"{kind.value} takes {expected} parameters, got {len(params)}")
    periods = params[:1] if kind is Kind.BOLLINGER else params
    for period in periods:
        if period != period.to_integral_value() or not 1 <= period <= MAX_PERIOD:
            raise InvalidAlertError(
                f"{spec}: a period must be a whole number from 1 to {MAX_PERIOD}, got {period}"
            )
    if kind is Kind.RSI and params[0] < 2:
        raise InvalidAlertError(f"{spec}: RSI needs a period of at least 2")
    if kind is Kind.MACD and params[0] >= params[1]:
        raise InvalidAlertError(f"{spec}: the fast period must be shorter than the slow one")
    if kind is Kind.BOLLINGER and not Decimal(0) < params[1] <= Decimal(10):
        raise InvalidAlertError(
            f"{spec}: the band width must be above 0 and at most 10 deviations, got {params[1]}"
        )
    if kind is Kind.BOLLINGER and params[0] < 2:
        raise InvalidAlertError(f"{spec}: Bollinger bands need a period of at least 2")


PRICE = IndicatorSpec(Kind.PRICE)
