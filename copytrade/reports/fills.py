"""Fill quality reports (docs/statistics.md, "Fill quality") as JSON and Rich tables."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from rich.table import Table

from copytrade.adapters.jsonable import to_jsonable
from copytrade.domain.fill_quality import SLIPPAGE_BUCKETS, FillSummary
from copytrade.domain.statistics.numeric import to_places
from copytrade.service_layer.fill_quality import FillReport

HUNDRED = Decimal(100)


def fill_report_json(report: FillReport) -> dict[str, Any]:
    """The report as JSON values: every figure exact, returns and gap parts as fractions."""
    body: dict[str, Any] = to_jsonable(asdict(report))
    body["slippage_buckets_bps"] = [str(edge) for edge in SLIPPAGE_BUCKETS]
    return body


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{to_places(value * HUNDRED, Decimal('0.01'))}%"


def _num(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


def summary_table(title: str, summary: FillSummary) -> Table:
    table = Table(title=title)
    for column in ("figure", "mean", "median", "p10", "p90", "min", "max"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for name, dist in (("slippage (bps)", summary.slippage_bps), ("delay (s)", summary.delay_s)):
        table.add_row(name, *(_num(v) for v in (dist.mean, dist.median, dist.p10, dist.p90,
                                                dist.minimum, dist.maximum)))  # fmt: skip
    return table


def relationships_table(report: FillReport) -> Table:
    table = Table(title=f"Tracking gap per relationship ({report.scope} {report.subject})")
    columns = ("relationship", "copies", "skipped", "provider", "copy", "kept", "gap",
               "fees", "profit share", "slippage", "sizing", "skipped copies", "other")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "relationship" else "right")
    for rel in report.relationships:
        skipped = sum(rel.summary.skipped_pct.values(), Decimal(0))
        gap = rel.gap
        figures = (
            ["—"] * 9
            if gap is None
            else [_pct(gap.provider_return), _pct(gap.copy_return),
                  "—" if rel.kept_pct is None else f"{rel.kept_pct}%", _pct(gap.gap),
                  *(_pct(v) for v in gap.parts().values())]
        )  # fmt: skip
        table.add_row(rel.relationship_id, str(rel.summary.legs), f"{skipped}%", *figures)
    return table


def reasons_line(summary: FillSummary) -> str:
    said = [f"skipped {reason} {pct}%" for reason, pct in summary.skipped_pct.items()]
    said += [f"capped {reason} {pct}%" for reason, pct in summary.capped_pct.items()]
    return "; ".join(said) or "no copy skipped or capped"
