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

from copytrade.adapters.indicators import IndicatorBank, value_text
from copytrade.domain.alerts.candles import Candle, CandleAggregator, CandleHistory
from copytrade.domain.alerts.conditions import Conditions, Values
from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.rules import AlertRule, Outcome
from copytrade.domain.alerts.timeframes import Timeframe

_MAY_FIRE = (Outcome.FIRES, Outcome.COOLING_DOWN)


class AlertEngine:
    def __init__(
        self,
        rules: Iterable[AlertRule] = (),
        timeframes: Iterable[Timeframe] = tuple(Timeframe),
        history: CandleHistory | None = None,
    ) -> None:
        self.candles = CandleAggregator(timeframes)
        self.bank = IndicatorBank(history)
        self._rules: dict[tuple[str, Timeframe], dict[str, AlertRule]] = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule: AlertRule) -> None:
        """Evaluate ``rule`` from the next closed candle on (replacing one of its id)."""
        self.remove(rule.id)
        self._rules.setdefault((rule.symbol, rule.timeframe), {})[rule.id] = rule
        self.bank.require(rule.symbol, rule.timeframe, rule.conditions.series)

    def remove(self, rule_id: str) -> None:
        for rules in self._rules.values():
            rules.pop(rule_id, None)

    def rules(self) -> list[AlertRule]:
        return [rule for rules in self._rules.values() for rule in rules.values()]

    def on_tick(self, symbol: str, ts: datetime, price: Decimal) -> list[Firing]:
        """Apply one price tick; the firings of the candles it closed."""
        return self.on_candles(self.candles.add(symbol, ts, price))

    def close_due(self, now: datetime) -> list[Firing]:
        """Close the candles that ended by ``now`` (a quiet market); their firings."""
        return self.on_candles(self.candles.close_due(now))

    def on_candles(self, candles: Iterable[Candle]) -> list[Firing]:
        firings: list[Firing] = []
        for candle in candles:
            firings += self.on_candle(candle)
        return firings

    def on_candle(self, candle: Candle) -> list[Firing]:
        """Feed one closed candle to the indicators and evaluate its rules."""
        self.bank.on_close(candle)
        rules = self._rules.get((candle.symbol, candle.timeframe))
        if not rules:
            return []
        now, before = self.bank.values(candle.symbol, candle.timeframe)
        at = candle.close_time
        triggered: dict[Conditions, bool] = {}
        firings: list[Firing] = []
        for rule in rules.values():
            if rule.outcome(at, True) not in _MAY_FIRE:
                continue  # disabled, expired or spent: not worth evaluating
            conditions = rule.conditions
            hit = triggered.get(conditions)
            if hit is None:
                hit = triggered[conditions] = conditions.triggered(now, before)
            if rule.outcome(at, hit) is Outcome.FIRES:
                fired = rule.fired(at)
                rules[rule.id] = fired
                firings.append(_firing(fired, candle, now, before))
        return firings


def _texts(conditions: Conditions, values: Values) -> dict[str, str | None]:
    return {str(ref): value_text(values.get(ref)) for ref in conditions.series}


def _firing(rule: AlertRule, candle: Candle, now: Values, before: Values) -> Firing:
    return Firing(
        rule=rule,
        candle_open=candle.open_time,
        fired_at=candle.close_time,
        values={"close": str(candle.close), **_texts(rule.conditions, now)},
        before=_texts(rule.conditions, before),
    )
