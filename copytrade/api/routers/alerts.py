"""The signed-in user's technical-indicator alert rules and what they fired
(docs/api.md, "Alert rules"; the rules themselves: docs/alerts.md).

A rule is its owner's alone: another user's id answers 404, as an unknown one. The
checks are the service layer's (``AlertRules.add``): a condition that cannot be read
is 422 ``invalid_value`` with the parser's message naming the wrong part.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out, Timestamp
from copytrade.domain.alerts.parser import MAX_LENGTH
from copytrade.domain.alerts.rules import MAX_COOLDOWN
from copytrade.service_layer.alerts.rules import UNSET, rule_json

router = APIRouter(prefix=f"{API_V1}/alerts", tags=["alerts"], responses=errors(401, 403))

RULE_ID = Path(pattern=r"^alert_[0-9a-f]{16}$", examples=["alert_0123456789abcdef"])
TimeframeText = Literal["1m", "5m", "15m", "1h", "4h", "1d"]
ModeText = Literal["once", "every"]


class NewRuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=40, examples=["BTC/USDT"])
    timeframe: TimeframeText = Field(description="The candles the rule reads (UTC boundaries).")
    condition: str = Field(
        min_length=1,
        max_length=MAX_LENGTH,
        examples=["RSI(14) crosses above 70"],
        description="Parts joined by AND (docs/alerts.md, 'Writing a condition').",
    )
    mode: ModeText = Field(
        default="once", description="`once`: fires one time; `every`: each time, after a cooldown."
    )
    cooldown_seconds: int = Field(
        default=0,
        ge=0,
        le=int(MAX_COOLDOWN.total_seconds()),
        description="Least time between two firings of an `every` rule (0 for `once`).",
    )
    expires_at: AwareDatetime | None = Field(
        default=None, description="No firing on a candle closing at or after it."
    )
    enabled: bool = True


class EditRuleBody(BaseModel):
    """What to change; what is left out stays. The rule's firings stay its own: a `once`
    rule that fired stays spent."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(
        default=None, description="`false` keeps the rule but it never fires until `true`."
    )
    condition: str | None = Field(default=None, min_length=1, max_length=MAX_LENGTH)
    mode: ModeText | None = Field(
        default=None, description="Made `once`, the cooldown is 0 unless given."
    )
    cooldown_seconds: int | None = Field(
        default=None, ge=0, le=int(MAX_COOLDOWN.total_seconds())
    )
    expires_at: AwareDatetime | None = Field(
        default=None, description="A new expiry, in the future; `null` removes it."
    )


class RuleOut(Out):
    id: str
    owner: str
    symbol: str
    timeframe: TimeframeText
    condition: str = Field(description="The canonical text, which reads back to the same rule.")
    mode: ModeText
    cooldown_seconds: int
    created_at: Timestamp
    expires_at: Timestamp | None
    enabled: bool
    status: Literal["active", "disabled", "expired", "spent"]
    fired_count: int
    last_fired_at: Timestamp | None


class RulesOut(Out):
    rules: list[RuleOut]


class FiringOut(Out):
    rule: str
    owner: str
    symbol: str
    timeframe: TimeframeText
    condition: str = Field(description="The rule's condition when it fired.")
    candle_open: Timestamp
    fired_at: Timestamp = Field(description="The candle's close.")
    values: dict[str, str | None] = Field(
        description="The close and every series the rule reads, on the candle that fired "
        "(exact prices; indicators to 10 significant digits; null while warming up)."
    )
    before: dict[str, str | None] = Field(description="The same series on the candle before.")


class FiringsOut(Out):
    firings: list[FiringOut]


@router.post("/rules", status_code=201, response_model=RuleOut, responses=errors(413, 422))
def create_rule(body: NewRuleBody, user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """A new alert rule of mine; it is evaluated from the next closed candle on."""
    rule = runtime.act(
        lambda: runtime.alert_rules.add(
            user.id, body.symbol, body.timeframe, body.condition, mode=body.mode,
            cooldown=timedelta(seconds=body.cooldown_seconds), expires_at=body.expires_at,
            enabled=body.enabled,
        )
    )
    return rule_json(rule, runtime.platform.clock.now())


@router.get("/rules", response_model=RulesOut)
def my_rules(user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """My alert rules, oldest first, each with its status and last firing."""
    now = runtime.platform.clock.now()
    return {"rules": [rule_json(r, now) for r in runtime.alert_rules.rules(user.id)]}


@router.get("/firings", response_model=FiringsOut, responses=errors(422))
def my_firings(
    user: CurrentUser, runtime: Runtime, limit: int = Query(default=100, ge=1, le=1000)
) -> dict[str, object]:
    """What my rules fired, newest first, with the values that made each fire."""
    return {"firings": runtime.alert_rules.firings(user.id, limit)}


@router.get("/rules/{rule_id}", response_model=RuleOut, responses=errors(404, 422))
def one_rule(user: CurrentUser, runtime: Runtime, rule_id: str = RULE_ID) -> dict[str, object]:
    """One of my alert rules."""
    return rule_json(runtime.alert_rules.get(rule_id, user.id), runtime.platform.clock.now())


@router.patch("/rules/{rule_id}", response_model=RuleOut, responses=errors(404, 413, 422))
def edit_rule(
    body: EditRuleBody, user: CurrentUser, runtime: Runtime, rule_id: str = RULE_ID
) -> dict[str, object]:
    """Change one of my rules in place: switch it, or edit its condition, mode, cooldown
    or expiry; it is evaluated as edited from the next closed candle on."""
    cooldown = body.cooldown_seconds
    expiry = body.expires_at if "expires_at" in body.model_fields_set else UNSET
    rule = runtime.act(lambda: runtime.alert_rules.edit(
        rule_id, user.id, condition=body.condition, mode=body.mode,
        cooldown=None if cooldown is None else timedelta(seconds=cooldown),
        expires_at=expiry, enabled=body.enabled,
    ))
    return rule_json(rule, runtime.platform.clock.now())


@router.delete(
    "/rules/{rule_id}", status_code=204, response_class=Response, responses=errors(404, 422)
)
def delete_rule(user: CurrentUser, runtime: Runtime, rule_id: str = RULE_ID) -> Response:
    """Delete one of my rules; what it fired stays listed."""
    runtime.act(lambda: runtime.alert_rules.remove(rule_id, user.id))
    return Response(status_code=204)
