"""``POST /api/v1/providers/{provider_id}/whatif``: what if I had copied this provider?
(docs/whatif.md). The provider's recorded fills and prices are replayed through the real
copy pipeline and settlement on a scratch database; the live books are only read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import AwareDatetime, Field
from starlette.concurrency import run_in_threadpool

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.inputs import Amount
from copytrade.api.paths import API_V1
from copytrade.api.routers.copy_settings import CopySettingsFields
from copytrade.api.wire import Day, Money, Out, Timestamp
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.whatif.request import WhatIfRequest
from copytrade.whatif.service import WhatIf

router = APIRouter(prefix=f"{API_V1}", tags=["discovery"])


class WhatIfBody(CopySettingsFields):
    """Copy the provider from ``start`` (to ``until``, default: all that is recorded) with
    ``allocation`` and these settings. ``copy_open_positions`` is refused (docs/whatif.md)."""

    start: AwareDatetime = Field(examples=["2026-01-05T00:00:00Z"])
    until: AwareDatetime | None = None
    allocation: Amount


class StopOut(Out):
    fired: bool
    at: Timestamp | None


class ProfitShareOut(Out):
    gross: Money
    debited: Money
    provider_credit: Money
    platform_fee: Money


class SlippageOut(Out):
    copies: int = Field(description="Copies that filled.")
    mean: Money | None = Field(description="Mean slippage in basis points, adverse positive.")
    worst: Money | None


class DecisionOut(Out):
    provider_fill: str
    leg: str = Field(description="`open` or `close`.")
    symbol: str
    action: str = Field(description="`placed`, `capped` or `skipped`.")
    reason: str | None = Field(description="Why skipped or capped (docs/domain.md, Copying).")
    qty: Money
    notional: Money
    price: Money | None = Field(description="The market price the decision met.")
    provider_price: Money | None
    fill_price: Money | None
    slippage_bps: Money | None
    at: Timestamp


class SettlementOut(Out):
    period: str
    provider: str
    equity: Money
    hwm_before: Money
    hwm_after: Money
    gross: Money
    debit: Money
    provider_credit: Money
    platform_fee: Money
    owed_before: Money
    owed: Money
    at: Timestamp


class EquityPointOut(Out):
    day: Day
    equity: Money


class WhatIfOut(Out):
    provider: str
    provider_name: str
    start: Timestamp
    end: Timestamp
    allocation: Money
    provider_fills: int
    status: str
    stop_reason: str | None
    max_loss_stop: StopOut
    equity: Money = Field(description="The relationship's equity at the end.")
    cash: Money
    open_positions: int
    hwm: Money
    owed: Money
    value: Money = Field(description="Equity plus what a stop returned to the follower.")
    pnl: Money = Field(description="value − allocation: after trading fees and profit share.")
    pnl_before_profit_share: Money
    trading_fees: Money
    commission: Money
    profit_share: ProfitShareOut
    slippage_bps: SlippageOut
    copies: dict[str, int]
    skip_reasons: dict[str, int]
    decisions: list[DecisionOut]
    settlements: list[SettlementOut]
    settlement_runs: str = Field(
        description="`recorded`: the runs that settled the provider's followers; `scheduled`: "
        "none was recorded in the window, so one at each of the provider's period ends."
    )
    equity_curve: list[EquityPointOut]
    disclaimer: str


@router.post(
    "/providers/{provider_id}/whatif",
    response_model=WhatIfOut,
    responses=errors(401, 404, 422),
)
async def whatif(
    provider_id: str, body: WhatIfBody, runtime: Runtime, _: CurrentUser
) -> dict[str, Any]:
    """What if you had copied this provider from ``start`` with these settings? The
    provider's recorded fills and prices go through the real sizing, risk gate, execution,
    max-loss stop and high-watermark settlement on a scratch database (docs/whatif.md)."""
    request = WhatIfRequest(
        provider_id, body.start, body.allocation, body.copy_settings(), body.until
    )
    whatif = WhatIf.on(runtime.container)
    answer: dict[str, Any] = plain(await run_in_threadpool(whatif.run, request))
    return answer | {"disclaimer": PAST_PERFORMANCE}

