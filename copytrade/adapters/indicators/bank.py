"""Every indicator of every (symbol, timeframe), computed once and shared.

Rules ``require`` the series they read; the bank keeps one computation per
(symbol, timeframe, indicator, parameters), however many rules and outputs read it,
feeds it each closed candle, and answers the values of the last two closed candles
(``now`` and ``before``), which is what conditions are read on (docs/alerts.md).
A computation added after candles have closed is warmed up from the candle history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from copytrade.adapters.indicators import talipp_kinds
from copytrade.domain.alerts.candles import Candle, CandleHistory
from copytrade.domain.alerts.conditions import Value, Values
from copytrade.domain.alerts.series import IndicatorSpec, Kind, SeriesRef
from copytrade.domain.alerts.timeframes import Timeframe

KEEP = 512  # talipp keeps every input; trimmed to this many once twice as many pile up


Reader = Callable[[int], Value | None]  # a value ``ago`` closed candles back (0: the last)


@dataclass
class _Computation:
    spec: IndicatorSpec
    indicator: Any  # a talipp indicator; None for price, read from the candles

    def add(self, candle: Candle) -> None:
        if self.indicator is None:
            return
        self.indicator.add(talipp_kinds.talipp_input(self.spec, candle))
        keep = max(KEEP, 4 * self.spec.warm_up)
        if len(self.indicator.input_values) > 2 * keep:
            self.indicator.purge_oldest(len(self.indicator.input_values) - keep)


@dataclass
class _Slot:
    """The computations of one (symbol, timeframe) and the values of its last two candles."""

    computations: dict[IndicatorSpec, _Computation] = field(default_factory=dict)
    readers: dict[SeriesRef, Reader] = field(default_factory=dict)
    last: list[Candle] = field(default_factory=list)  # the last two closed candles
    now: dict[SeriesRef, Value | None] = field(default_factory=dict)
    before: dict[SeriesRef, Value | None] = field(default_factory=dict)

    def reader(self, ref: SeriesRef) -> Reader:
        indicator = self.computations[ref.spec].indicator
        if indicator is None:
            last = self.last

            def price(ago: int) -> Value | None:
                return talipp_kinds.price_output(last[-1 - ago], ref.output) if len(
                    last
                ) > ago else None

            return price
        read = talipp_kinds.READERS[ref.spec.kind][ref.output]

        def value(ago: int) -> Value | None:
            return read(indicator[-1 - ago]) if len(indicator) > ago else None

        return value

    def refresh(self) -> None:
        self.now = {ref: read(0) for ref, read in self.readers.items()}
        self.before = {ref: read(1) for ref, read in self.readers.items()}


class IndicatorBank:
    def __init__(self, history: CandleHistory | None = None) -> None:
        self._history = history if history is not None else CandleHistory()
        self._slots: dict[tuple[str, Timeframe], _Slot] = {}

    @property
    def history(self) -> CandleHistory:
        return self._history

    def require(self, symbol: str, timeframe: Timeframe, refs: Iterable[SeriesRef]) -> None:
        """Compute ``refs`` for (symbol, timeframe) from now on, warmed up from history."""
        slot = self._slots.setdefault((symbol, timeframe), _Slot())
        new = [ref for ref in refs if ref not in slot.readers]
        if not new:
            return
        recent = self._history.recent(symbol, timeframe)
        for ref in new:
            if ref.spec not in slot.computations:
                spec = ref.spec
                indicator = None if spec.kind is Kind.PRICE else talipp_kinds.make(spec)
                computation = _Computation(spec, indicator)
                for candle in recent:
                    computation.add(candle)
                slot.computations[spec] = computation
            slot.readers[ref] = slot.reader(ref)
        slot.last[:] = recent[-2:]
        slot.refresh()

    def on_close(self, candle: Candle) -> None:
        """Keep the candle in history and feed it to every computation of its slot."""
        self._history.append(candle)
        slot = self._slots.get((candle.symbol, candle.timeframe))
        if slot is None:
            return
        for computation in slot.computations.values():
            computation.add(candle)
        slot.last[:] = [*slot.last[-1:], candle]
        slot.refresh()

    def values(self, symbol: str, timeframe: Timeframe) -> tuple[Values, Values]:
        """The required values on the last closed candle and on the one before."""
        slot = self._slots.get((symbol, timeframe))
        if slot is None:
            return {}, {}
        return slot.now, slot.before

    def computations(self) -> int:
        """How many (symbol, timeframe, indicator, parameters) are computed."""
        return sum(len(slot.computations) for slot in self._slots.values())


def value_text(value: Value | None) -> str | None:
    """A value as stored with a firing: a price exactly, an indicator to 10 digits."""
    if value is None:
        return None
    return str(value) if not isinstance(value, float) else f"{value:.10g}"
