"""When rules would have fired over recorded or synthetic history (docs/alerts.md).

Replay runs ``AlertEngine``, the code live evaluation runs, over a feed's ticks
with each rule taken fresh: enabled, never fired, without expiry. Only candles
that close within the history count; the candle still open at its end does not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.rules import AlertRule
from copytrade.marketdata import PriceTick
from copytrade.service_layer.alerts.engine import AlertEngine


def fresh(rule: AlertRule) -> AlertRule:
    return dataclasses.replace(
        rule, enabled=True, fired_count=0, last_fired_at=None, expires_at=None
    )


def replay(rules: Iterable[AlertRule], ticks: Iterable[PriceTick]) -> list[Firing]:
    chosen = [fresh(rule) for rule in rules]
    if not chosen:
        return []
    engine = AlertEngine(chosen, {rule.timeframe for rule in chosen})
    wanted = {rule.symbol for rule in chosen}
    firings: list[Firing] = []
    for tick in ticks:
        if tick.symbol in wanted:
            firings += engine.on_tick(tick.symbol, tick.ts, tick.price)
    return firings
