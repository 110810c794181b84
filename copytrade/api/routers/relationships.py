"""Copy relationships of the signed-in follower: follow, read, pause, resume, stop,
top up, withdraw; and the risk disclosure a follow accepts (docs/domain.md; docs/api.md, Rules a
follow must pass).

Someone else's relationship answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model
from pydantic.fields import FieldInfo

from copytrade.api.deps import Me
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.inputs import Amount
from copytrade.api.paths import API_V1
from copytrade.api.routers.accounts import MoneyMove
from copytrade.api.routers.copy_settings import CopySettingsFields
from copytrade.api.wire import Money, Out, wire_model
from copytrade.domain.copying import RelationshipStatus, SizingMode
from copytrade.domain.disclosures import (
    PAST_PERFORMANCE,
    RISK_DISCLOSURE,
    RISK_DISCLOSURE_VERSION,
)
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.margin_mode import MarginMode
from copytrade.service_layer.following.service import FollowRequest
from copytrade.service_layer.following.views import RelationshipDetail, RelationshipSummary

router = APIRouter(prefix=f"{API_V1}", tags=["relationships"], responses=errors(401))



class FollowBody(CopySettingsFields):
    """Start copying a provider: the allocation, every copy setting, and the accepted
    risk disclosure (``GET /api/v1/disclosures/risk``)."""

    provider_id: str = Field(min_length=1, max_length=128)
    allocation: Amount
    risk_acknowledged: StrictBool = False
    disclosure_version: str | None = Field(None, max_length=32)

    def request(self) -> FollowRequest:
        return FollowRequest(
            self.provider_id,
            self.allocation,
            self.copy_settings(),
            self.risk_acknowledged,
            self.disclosure_version,
        )


def _optional(name: str, info: FieldInfo) -> tuple[Any, Any]:
    """A follow field as an edit's: the same type and bounds, absent by default."""
    kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return (kind | None, Field(None, description=f"New {name.replace('_', ' ')}."))


# Some copy settings to change, the others staying as they are; each value has the
# bounds it has in a follow (docs/api.md, "Editing copy settings").
SettingsEdit = create_model(  # type: ignore[call-overload]
    "SettingsEdit",
    __config__=ConfigDict(extra="forbid"),
    **{name: _optional(name, info) for name, info in CopySettingsFields.model_fields.items()},
)
# Settings without a "none" value: an edit cannot set them to null.
_NOT_NULL = frozenset(
    n for n, i in CopySettingsFields.model_fields.items() if i.default is not None
)


def settings_changes(body: BaseModel) -> dict[str, Any]:
    """The settings an edit names, as ``CopySettings`` values."""
    values = body.model_dump(exclude_unset=True)
    nulls = sorted(name for name in _NOT_NULL if name in values and values[name] is None)
    if nulls:
        raise InvalidValueError(f"{', '.join(nulls)} cannot be null: give a value or leave it out")
    for name in ("whitelist", "blacklist"):
        if name in values:
            values[name] = frozenset(values[name])
    return values


class StopBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    close_on_stop: StrictBool | None = Field(
        None,
        description="Close the copied positions at market (true) or keep them as your own "
        "(false); omitted: the relationship's close_on_stop setting.",
    )


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=64, examples=["BTC/USDT:USDT"])


class SettingsOut(Out):
    """A relationship's copy settings, as the follow request names them."""

    mode: SizingMode
    fixed_amount: Money | None
    multiplier: Money
    leverage: Money | None
    max_per_trade_pct: Money
    max_open_trades: int
    max_loss_pct: Money
    slippage_pct: Money
    whitelist: list[str]
    blacklist: list[str]
    close_on_stop: bool
    copy_open_positions: bool
    copy_stop_loss_pct: Money | None
    copy_take_profit_pct: Money | None
    take_profit_pct: Money | None
    trailing_stop_pct: Money | None
    margin_mode: MarginMode


DetailOut = wire_model(RelationshipDetail, settings=(SettingsOut, ...), disclaimer=(str, ...))
SummaryOut = wire_model(RelationshipSummary)


class RelationshipsOut(Out):
    relationships: list[SummaryOut]  # type: ignore[valid-type]


class DisclosureOut(Out):
    version: str
    text: str
    past_performance: str


CHANGE = errors(403, 404, 409, 413, 422)
# A follow (copying open positions), a stop and a close by hand may place orders.
ORDERS = errors(403, 404, 409, 413, 422, 503)


@router.get("/disclosures/risk", response_model=DisclosureOut)
def risk_disclosure() -> dict[str, str]:
    """The risk disclosure a follower accepts before copying, and its version."""
    return {
        "version": RISK_DISCLOSURE_VERSION,
        "text": RISK_DISCLOSURE,
        "past_performance": PAST_PERFORMANCE,
    }


@router.post("/relationships", status_code=201, response_model=DetailOut, responses=ORDERS)
def follow(body: FollowBody, me: Me) -> dict[str, Any]:
    """Copy a provider; refused (nothing created) without the risk acknowledgement,
    where the jurisdiction does not offer copying or caps the allocation, or when the
    provider's follower cap is reached."""
    request = body.request()
    rel = me.act(lambda: me.commands.follow(me.id, request))
    return _detail(me, str(rel.id))


@router.get("/relationships", response_model=RelationshipsOut, responses=errors(422))
def my_relationships(me: Me, status: RelationshipStatus | None = None) -> dict[str, Any]:
    """The signed-in follower's relationships, oldest first."""
    return {"relationships": plain(me.views.relationships(me.id, status))}


@router.get("/relationships/{rel_id}", response_model=DetailOut, responses=errors(404, 422))
def relationship(
    rel_id: str,
    me: Me,
    decisions_page: int = Query(1, ge=1, le=100_000),
    decisions_page_size: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """Settings, status and reasons, HWM, equity, PnL, open positions, and one page of
    its copy decisions (newest first) with action and reason."""
    return _detail(me, rel_id, decisions_page, decisions_page_size)


@router.patch("/relationships/{rel_id}/settings", response_model=DetailOut, responses=CHANGE)
def edit_settings(rel_id: str, body: SettingsEdit, me: Me) -> dict[str, Any]:  # type: ignore[valid-type]
    """Change some copy settings; the others stay. Each value is checked like a follow's
    (and the provider's minimum allocation again), the change is recorded with its time
    (``GET .../settings/history``) and applies from the next copy: open copies keep the
    size and leverage they were opened with."""
    changes = settings_changes(body)
    me.act(lambda: me.commands.edit_settings(me.id, rel_id, changes))
    return _detail(me, rel_id)


class SettingsChangeOut(Out):
    changed_at: datetime
    changes: dict[str, dict[str, Any]]


class SettingsHistoryOut(Out):
    changes: list[SettingsChangeOut]
    total: int


@router.get(
    "/relationships/{rel_id}/settings/history",
    response_model=SettingsHistoryOut,
    responses=errors(404, 422),
)
def settings_history(
    rel_id: str,
    me: Me,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """Every edit of the settings, newest first: when, and each changed setting's old
    and new value."""
    found, total = me.commands.settings_history(
        me.id, rel_id, page_size, (page - 1) * page_size
    )
    return {
        "changes": [{"changed_at": c.changed_at, "changes": c.changes} for c in found],
        "total": total,
    }


@router.post("/relationships/{rel_id}/pause", response_model=DetailOut, responses=CHANGE)
def pause(rel_id: str, me: Me) -> dict[str, Any]:
    """No new copies; closes are still mirrored. Pausing a paused relationship is a no-op."""
    me.act(lambda: me.commands.pause(me.id, rel_id))
    return _detail(me, rel_id)


@router.post("/relationships/{rel_id}/resume", response_model=DetailOut, responses=CHANGE)
def resume(rel_id: str, me: Me) -> dict[str, Any]:
    me.act(lambda: me.commands.resume(me.id, rel_id))
    return _detail(me, rel_id)


@router.post("/relationships/{rel_id}/stop", response_model=DetailOut, responses=ORDERS)
def stop(rel_id: str, me: Me, body: Annotated[StopBody | None, Body()] = None) -> dict[str, Any]:
    """Stop for good: close positions (or keep them), settle, return the free cash."""
    close_on_stop = body.close_on_stop if body is not None else None
    me.act(lambda: me.commands.stop(me.id, rel_id, close_on_stop))
    return _detail(me, rel_id)


@router.post("/relationships/{rel_id}/close-position", response_model=DetailOut, responses=ORDERS)
def close_position(rel_id: str, body: CloseBody, me: Me) -> dict[str, Any]:
    """Close one copied position at market by hand; it is then detached, so the
    provider's later closes of it are skipped (``detached``)."""
    me.act(lambda: me.commands.close_position(me.id, rel_id, body.symbol))
    return _detail(me, rel_id)


@router.post("/relationships/{rel_id}/top-up", response_model=DetailOut, responses=CHANGE)
def top_up(rel_id: str, body: MoneyMove, me: Me) -> dict[str, Any]:
    """Move free balance into the allocation; the HWM rises by the amount (docs/domain.md, Profit
    share)."""
    me.act(lambda: me.commands.top_up(me.id, rel_id, body.amount, body.idempotency_key))
    return _detail(me, rel_id)


@router.post("/relationships/{rel_id}/withdraw", response_model=DetailOut, responses=CHANGE)
def withdraw(rel_id: str, body: MoneyMove, me: Me) -> dict[str, Any]:
    """Take free cash out of the allocation; the HWM scales down with it (docs/domain.md, Profit
    share)."""
    me.act(lambda: me.commands.withdraw(me.id, rel_id, body.amount, body.idempotency_key))
    return _detail(me, rel_id)


def _detail(me: Me, rel_id: str, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    result: dict[str, Any] = plain(me.views.relationship(me.id, rel_id, page, page_size))
    result["disclaimer"] = PAST_PERFORMANCE
    return result
