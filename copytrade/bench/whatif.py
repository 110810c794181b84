"""``copytrade bench whatif``: a one-year what-if on a provider with N recorded fills.

The history is recorded the way it is in production: a generated scenario (one
perp, the provider opening and closing a long every ~1.75 hours over a year,
a price point before each order, a weekly settlement, one follower copying
proportionally) is played on the real platform into a SQLite file. Only the
what-if is timed: reading the history, the replay on its scratch platform and
the answer. The answer is also compared with the real follower's decisions and
settlements (the consistency rule, docs/whatif.md). See docs/benchmarks.md.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from copytrade.adapters.db.engine import make_engine, make_read_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.bench.timing import cpu_ns, now_ns
from copytrade.config import SqliteSync, load_settings
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario.loader import scenario_from_data
from copytrade.whatif.request import WhatIfRequest
from copytrade.whatif.service import WhatIf

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
YEAR = timedelta(days=365)
SYMBOL = "BTC/USDT:USDT"
PROVIDER = "pro"
ALLOCATION = Decimal(10_000)
TARGET_S = 1.0


@dataclass(frozen=True, slots=True)
class WhatIfBenchConfig:
    fills: int = 5_000


def bench_scenario(fills: int) -> dict[str, Any]:
    """The recorded year as scenario data: ``fills`` provider orders (each one fill)."""
    step = YEAR / (fills + 1)
    prices: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = [
        {"at": _at(START), "type": "follow", "follower": "fol", "provider": PROVIDER,
         "allocation": str(ALLOCATION), "settings": {"mode": "proportional"}},
    ]
    for n in range(fills):
        at = START + step * (n + 1)
        # A slow wave around 40,000 (up to ±8 %): deterministic, no randomness.
        price = Decimal(40_000) + Decimal((n * 37) % 641 - 320) * 10
        prices.append({"at": _at(at), "symbol": SYMBOL, "price": str(price)})
        opening = n % 2 == 0
        events.append({
            "at": _at(at), "type": "order", "provider": PROVIDER, "symbol": SYMBOL,
            "side": "buy" if opening else "sell", "qty": "0.5", "leverage": "3",
            **({} if opening else {"reduce_only": True}),
        })
    week = START + timedelta(days=7)
    while week < START + YEAR:
        events.append({"at": _at(week), "type": "settle"})
        week += timedelta(days=7)
    events.sort(key=lambda e: e["at"])
    return {
        "name": "bench_whatif",
        "start": _at(START),
        "currency": "USDT",
        "platform_fee_pct": "2",
        "instruments": [{
            "symbol": SYMBOL, "kind": "perp", "tick": "0.1", "lot_step": "0.001",
            "min_qty": "0.001", "min_notional": "5", "max_qty": "1000", "maker_fee": "0.0002",
            "taker_fee": "0.0005", "max_leverage": "20",
        }],
        "prices": prices,
        "providers": [{"id": PROVIDER, "name": "Bench Pro", "deposit": "100000",
                       "share_pct": "10", "settlement": "weekly"}],
        "followers": [{"id": "fol", "deposit": "20000"}],
        "events": events,
    }


def run_whatif_bench(config: WhatIfBenchConfig) -> dict[str, Any]:
    scenario = scenario_from_data(bench_scenario(config.fills), "bench_whatif")
    with tempfile.TemporaryDirectory(prefix="copytrade-bench-whatif-") as folder:
        url = f"sqlite:///{Path(folder) / 'recorded.db'}"
        started = now_ns()
        real = run_scenario(scenario, url)
        record_s = (now_ns() - started) / 1e9
        engine = make_engine(load_settings(database_url=url, sqlite_synchronous=SqliteSync.NORMAL))
        try:
            factory = make_read_session_factory(engine)
            with SqlUnitOfWork(factory) as uow:
                instruments = list(uow.instruments.all().values())
            whatif = WhatIf(
                lambda: SqlUnitOfWork(factory), instruments, scenario.platform_fee_pct,
                FeeSettings(scenario.commission_pct, scenario.subscription_platform_cut_pct),
            )
            request = WhatIfRequest(
                PROVIDER, START, ALLOCATION, CopySettings(SizingMode.PROPORTIONAL)
            )
            started, cpu_started = now_ns(), cpu_ns()
            answer, stages = whatif.run_timed(request)
            answer_s = (now_ns() - started) / 1e9
            answer_cpu_s = (cpu_ns() - cpu_started) / 1e9
        finally:
            engine.dispose()
    return {
        "fills": answer["provider_fills"],
        "days": YEAR.days,
        # What the answer covered: its start to its end (the last fill or settlement run).
        "span_days": round((answer["end"] - answer["start"]) / timedelta(days=1), 2),
        "decisions": len(answer["decisions"]),
        "settlements": len(answer["settlements"]),
        "record_s": round(record_s, 3),
        "answer_s": round(answer_s, 3),
        "answer_cpu_s": round(answer_cpu_s, 3),
        "target_s": TARGET_S,
        "meets_target": answer_s <= TARGET_S,
        "matches_real_follower": _matches(real, answer),
        "stages_s": {stage: round(seconds, 3) for stage, seconds in sorted(stages.items())},
    }


def _matches(real: dict[str, Any], answer: dict[str, Any]) -> bool:
    keys = ("provider_fill", "leg", "action", "reason", "qty", "notional", "price")
    ours = [tuple(d[k] for k in keys) for d in answer["decisions"]]
    theirs = [tuple(d[k] for k in keys) for d in real["decisions"]]
    settle_keys = ("period", "equity", "hwm_before", "hwm_after", "gross", "platform_fee")
    return ours == theirs and [tuple(s[k] for k in settle_keys) for s in answer["settlements"]] == [
        tuple(s[k] for k in settle_keys) for s in real["settlements"]
    ]


def _at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
