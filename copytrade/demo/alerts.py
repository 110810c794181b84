"""The demo's alert rules: a few indicator rules and risk subscriptions, fired by the
simulated weeks and, served, by the live market (docs/demo.md, "Alerts").

The rules are stored like a user's (``AlertRules``, ``RiskAlerts``), so ``demo --serve``
goes on evaluating them with ``serve``'s own ``alerts`` and ``risk-alerts`` jobs. During
the simulated weeks, ``DemoAlerts.after_moment`` runs the same two passes after each
moment of prices: ``LiveAlerts`` (candles from the prices the engine applies) and
``RiskWatcher``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.demo.population import DemoPopulation
from copytrade.domain.alerts.risk import RiskKind, RiskRule
from copytrade.service_layer.alerts.live import LiveAlerts
from copytrade.service_layer.alerts.risk import RiskAlerts
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher
from copytrade.service_layer.alerts.rules import AlertRules
from copytrade.service_layer.platform import Platform

# (symbol, timeframe, condition, cooldown): every time, at most once per cooldown.
INDICATOR_RULES = (
    ("BTC/USDT:USDT", "1h", "RSI(14) crosses above 70", timedelta(hours=12)),
    ("ETH/USDT:USDT", "1h", "EMA(9) crosses below EMA(21)", timedelta(hours=12)),
    ("BTC/USDT:USDT", "1m", "price crosses above EMA(5)", timedelta(minutes=10)),
    # For `demo --serve`'s live market (1m candles of 1 s ticks): fires within minutes
    # there, never in the hourly history (one tick a candle: its close is its open).
    ("ETH/USDT:USDT", "1m", "close crosses above open", timedelta(minutes=5)),
)
# (kind, level) for the first follower.
RISK_RULES = (
    ("drawdown", Decimal(15)),
    ("jump", Decimal(3)),
    ("settlement", None),
)
NEAR_MAX_LOSS = Decimal(80)  # for the relationships with the tightest stops
TIGHTEST = 5


def create_demo_alerts(platform: Platform, population: DemoPopulation) -> None:
    """Store the demo's rules: indicator and risk rules of the first follower, every
    provider's settlements, the skipped copies of the first follower with a symbol
    list, and near-max-loss alerts of the relationships with the tightest stops."""
    rels = population.relationships
    owner = str(rels[0].follower)
    clock = platform.clock.now
    rules = AlertRules(platform.uow, clock)
    for symbol, timeframe, condition, cooldown in INDICATOR_RULES:
        rules.add(owner, symbol, timeframe, condition, mode="every", cooldown=cooldown)
    risks = RiskAlerts(platform.uow, clock)
    for kind, level in RISK_RULES:
        risks.add(owner, kind, level)
    for provider in population.providers:
        risks.add(str(provider.id), "settlement")
    listed = [r for r in rels if r.settings.whitelist or r.settings.blacklist]
    if listed:
        risks.add(str(listed[0].follower), "copy_skipped")
    tightest = sorted(rels, key=lambda r: r.settings.max_loss_pct)[:TIGHTEST]  # stable
    for rel in tightest:
        risks.add(str(rel.follower), "max_loss", NEAR_MAX_LOSS, str(rel.provider))


class DemoAlerts:
    """The alert passes of the simulated weeks, after each moment (see the module)."""

    def __init__(self, platform: Platform) -> None:
        clock = platform.clock.now
        self._live = LiveAlerts(platform.uow, clock)
        platform.engine.price_listeners.append(self._live.on_price)
        self._risk = RiskWatcher(platform.uow, platform.engine.prices.snapshot, clock)

    def after_moment(self) -> int:
        return self._live.run() + self._risk.run()


@dataclass(frozen=True, slots=True, order=True)
class AlertLine:
    """One rule of the demo in the report: what it watches, whose, how often it fired."""

    label: str  # short: fits the report's 80 columns
    owner: str  # the owner's display name
    fired: int
    last: str | None  # ISO time of the latest firing


_RISK_LABELS = {
    RiskKind.DRAWDOWN: "provider down {level}%",
    RiskKind.JUMP: "provider size {level}x",
    RiskKind.INACTIVE: "provider idle {level}d",
    RiskKind.COPY_SKIPPED: "copy skipped/capped",
    RiskKind.MAX_LOSS: "near max loss ({level}%)",
    RiskKind.SETTLEMENT: "settlement",
    RiskKind.ACCOUNT: "account attention",
}


def risk_label(rule: RiskRule) -> str:
    return "risk: " + _RISK_LABELS[rule.kind].format(level=rule.level)


def alert_lines(uow: SqlUnitOfWork) -> tuple[AlertLine, ...]:
    """Every stored rule with its firings (count and latest), indicator rules first, each
    part by label; risk rules of one label are one line (``owner``: how many hold it)."""
    lines: list[AlertLine] = []
    firings = uow.alerts.firings(limit=10**9)
    for rule in uow.alerts.rules():
        mine = [f["fired_at"] for f in firings if f["rule"] == str(rule.id)]
        base = rule.symbol.split("/")[0]
        lines.append(AlertLine(
            f"{base} {rule.timeframe.value} {rule.conditions}",
            uow.accounts.display_name(str(rule.owner)), len(mine), max(mine, default=None),
        ))  # fmt: skip
    risks = uow.risk_alerts.firings(limit=10**9)
    by_label: dict[str, list[RiskRule]] = {}
    for risk in uow.risk_alerts.rules():
        by_label.setdefault(risk_label(risk), []).append(risk)
    for label, held in by_label.items():
        ids = {r.id for r in held}  # random: never shown, so two runs print the same
        mine = [str(f["fired_at"]) for f in risks if f["rule"] in ids]
        owners = {str(r.owner) for r in held}
        who = (uow.accounts.display_name(owners.pop()) if len(owners) == 1
               else f"{len(owners)} accounts")  # fmt: skip
        lines.append(AlertLine(label, who, len(mine), max(mine, default=None)))
    indicators = sorted(line for line in lines if not line.label.startswith("risk: "))
    return (*indicators, *sorted(line for line in lines if line.label.startswith("risk: ")))
