"""Evaluating rules as candles close (docs/alerts.md, "When a rule fires").

``AlertEngine`` holds the rules in memory, indexed by (symbol, timeframe), the
candle aggregator and the indicator bank. On each closed candle it feeds the bank,
then reads each rule of that (symbol, timeframe): rules with the same conditions
share one evaluation. It returns the firings; storing them is ``AlertRecorder``'s
job, so live evaluation and replay run exactly this code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.gc_pause import frozen_heap
from copytrade.adapters.indicators import IndicatorBank, value_text
from copytrade.domain.alerts.candles import Candle, CandleAggregator, CandleHistory
from copytrade.domain.alerts.conditions import Conditions, Values
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.rules import AlertRule, Outcome
from copytrade.domain.alerts.timeframes import Timeframe


class AlertEngine:
    def __init__(
        self,
        rules: Iterable[AlertRule] = (),
        timeframes: Iterable[Timeframe] = tuple(Timeframe),
        history: CandleHistory | None = None,
    ) -> None:
        self.candles = CandleAggregator(timeframes)
        self.bank = IndicatorBank(history)
        # (symbol, timeframe) -> conditions -> the rules with them, by id.
        self._rules: dict[tuple[str, Timeframe], dict[Conditions, dict[str, AlertRule]]] = {}
        self._groups: dict[str, dict[str, AlertRule]] = {}  # rule id -> its group
        for rule in rules:
            self.add(rule)

    def add(self, rule: AlertRule) -> None:
        """Evaluate ``rule`` from the next closed candle on (replacing one of its id)."""
        if rule.timeframe not in self.candles.timeframes:
            built = ", ".join(t.value for t in self.candles.timeframes)
            raise InvalidAlertError(
                f"rule {rule.id} is on {rule.timeframe.value} candles; this engine builds {built}"
            )
        self.remove(rule.id)
        groups = self._rules.setdefault((rule.symbol, rule.timeframe), {})
        group = groups.setdefault(rule.conditions, {})
        group[rule.id] = rule
        self._groups[rule.id] = group
        self.bank.require(rule.symbol, rule.timeframe, rule.conditions.series)

    def remove(self, rule_id: str) -> None:
        group = self._groups.pop(rule_id, None)
        if group is not None:
            del group[rule_id]

    def rules(self) -> list[AlertRule]:
        return [rule for group in self._groups.values() for rule in group.values()]

    def on_tick(self, symbol: str, ts: datetime, price: Decimal) -> list[Firing]:
        """Apply one price tick; the firings of the candles it closed."""
        return self.on_candles(self.candles.add(symbol, ts, price))

    def close_due(self, now: datetime) -> list[Firing]:
        """Close the candles that ended by ``now`` (a quiet market); their firings."""
        return self.on_candles(self.candles.close_due(now))

    def on_candles(self, candles: Iterable[Candle]) -> list[Firing]:
        closed = list(candles)
        if not closed:
            return []  # most ticks close nothing
        firings: list[Firing] = []
        # The rules, candles and indicators are long-lived: out of the collector's
        # rescans while a close is evaluated (adapters/gc_pause.py).
        with frozen_heap():
            for candle in closed:
                firings += self.on_candle(candle)
        return firings

    def on_candle(self, candle: Candle) -> list[Firing]:
        """Feed one closed candle to the indicators and evaluate its rules."""
        self.bank.on_close(candle)
        groups = self._rules.get((candle.symbol, candle.timeframe))
        if not groups:
            return []
        now, before = self.bank.values(candle.symbol, candle.timeframe)
        at = candle.close_time  # one object for every firing of this candle
        firings: list[Firing] = []
        # One evaluation per distinct conditions; a group that did not trigger costs its
        # rules nothing (not triggering changes no rule).
        for conditions, group in groups.items():
            if not group or not conditions.triggered(now, before):
                continue
            # The values a firing shows are the group's: built once, shared (read-only).
            shown = None
            for rule_id, rule in group.items():
                if rule.outcome(at, True) is Outcome.FIRES:
                    shown = shown or _shown(conditions, candle, now, before)
                    fired = group[rule_id] = rule.fired(at)  # same key: safe while iterating
                    firings.append(Firing(fired, candle.open_time, at, *shown))
        return firings


def _texts(conditions: Conditions, values: Values) -> dict[str, str | None]:
    return {str(ref): value_text(values.get(ref)) for ref in conditions.series}


def _shown(conditions: Conditions, candle: Candle, now: Values,
           before: Values) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """What a firing of ``conditions`` on ``candle`` shows: the values now and before."""
    return {"close": str(candle.close), **_texts(conditions, now)}, _texts(conditions, before)
