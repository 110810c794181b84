"""The signed-in user's copy-trading risk alert subscriptions and what they fired
(docs/api.md, "Risk alerts"; the kinds and when each fires: docs/alerts.md, "Risk alerts").

A subscription is its owner's alone: another user's id answers 404, as an unknown one.
The checks are the service layer's (``RiskAlerts.add``, the same the CLI runs): a wrong
kind (the kinds listed), a level outside its kind's range, a level on a kind without
one, or an unknown provider is 422 ``invalid_value`` naming the part; nothing is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.errors import errors
from copytrade.api.inputs import DecimalIn
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out, Timestamp
from copytrade.domain.alerts.risk import LEVELS, RiskKind
from copytrade.service_layer.alerts.risk import risk_rule_json

router = APIRouter(prefix=f"{API_V1}/alerts/risk", tags=["alerts"], responses=errors(401, 403))

RISK_RULE_ID = Path(pattern=r"^risk_[0-9a-f]{16}$", examples=["risk_0123456789abcdef"])
LIMIT = Query(default=100, ge=1, le=1000, description="At most this many, the newest.")


def _kind_text(kind: RiskKind) -> str:
    bounds = LEVELS[kind]
    if bounds is None:
        return f"`{kind.value}` (no level)"
    default, low, high, unit = bounds
    return f"`{kind.value}` ({unit}, {low}–{high}, default {default})"


KINDS = "; ".join(map(_kind_text, RiskKind))


class NewRiskRuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        min_length=1, max_length=40, examples=["drawdown"],
        description=f"One of: {KINDS} (docs/alerts.md, 'Risk alerts').",
    )
    level: DecimalIn | None = Field(
        default=None, description="The kind's level, in its unit (above); left out, the "
        "kind's default. A kind without a level takes none.",
    )
    provider: str | None = Field(
        default=None, min_length=1, max_length=128,
        description="Only this provider; left out, every provider I follow.",
    )
    enabled: bool = True


class SwitchRiskRuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(description="`false` keeps the subscription but it never fires "
                          "until `true`.")  # fmt: skip


class RiskRuleOut(Out):
    id: str
    owner: str
    kind: str = Field(description="One of the kinds above.")
    level: str | None = Field(description="The level as a decimal string; null for a kind "
                              "without one.")  # fmt: skip
    provider: str | None = Field(description="The one provider watched; null: every one I "
                                 "follow.")  # fmt: skip
    created_at: Timestamp = Field(description="Events count from this time on.")
    enabled: bool
    text: str = Field(description="The subscription in words (`drawdown 20 percent`).")


class RiskRulesOut(Out):
    rules: list[RiskRuleOut]


class RiskFiringOut(Out):
    rule: str
    owner: str
    kind: str
    key: str = Field(description="The event or state it is about; at most once per rule "
                     "and key.")  # fmt: skip
    fired_at: Timestamp
    text: str = Field(description="What happened, in words.")
    values: dict[str, str] = Field(description="The figures it fired on, as text.")


class RiskFiringsOut(Out):
    firings: list[RiskFiringOut]


@router.post("/rules", status_code=201, response_model=RiskRuleOut, responses=errors(413, 422))
def subscribe(body: NewRiskRuleBody, user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """Subscribe me to one kind of risk alert; events count from now on, states (a
    drawdown, inactivity, near the max loss) from the watcher's next pass."""
    rule = runtime.act(lambda: runtime.risk_alerts.add(
        user.id, body.kind, body.level, body.provider, enabled=body.enabled
    ))
    return risk_rule_json(rule)


@router.get("/rules", response_model=RiskRulesOut)
def my_risk_rules(user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """My risk alert subscriptions, oldest first."""
    return {"rules": [risk_rule_json(r) for r in runtime.risk_alerts.rules(user.id)]}


@router.get("/firings", response_model=RiskFiringsOut, responses=errors(422))
def my_risk_firings(user: CurrentUser, runtime: Runtime, limit: int = LIMIT) -> dict[str, object]:
    """The risk alerts recorded for me, newest first, with the figures each fired on."""
    return {"firings": runtime.risk_alerts.fired(user.id, limit)}


@router.get("/rules/{rule_id}", response_model=RiskRuleOut, responses=errors(404, 422))
def one_risk_rule(
    user: CurrentUser, runtime: Runtime, rule_id: str = RISK_RULE_ID
) -> dict[str, object]:
    """One of my risk alert subscriptions."""
    return risk_rule_json(runtime.risk_alerts.get(rule_id, user.id))


@router.patch("/rules/{rule_id}", response_model=RiskRuleOut, responses=errors(404, 413, 422))
def switch_risk_rule(
    body: SwitchRiskRuleBody, user: CurrentUser, runtime: Runtime, rule_id: str = RISK_RULE_ID
) -> dict[str, object]:
    """Switch one of my subscriptions on or off (to change its kind or level, delete it
    and subscribe again)."""
    rule = runtime.act(lambda: runtime.risk_alerts.set_enabled(rule_id, body.enabled, user.id))
    return risk_rule_json(rule)


@router.delete(
    "/rules/{rule_id}", status_code=204, response_class=Response, responses=errors(404, 422)
)
def unsubscribe(user: CurrentUser, runtime: Runtime, rule_id: str = RISK_RULE_ID) -> Response:
    """Delete one of my subscriptions; what it fired stays listed."""
    runtime.act(lambda: runtime.risk_alerts.remove(rule_id, user.id))
    return Response(status_code=204)
