"""A provider's block-execution setting (docs/engine.md "Block execution"): its orders
and all their copies executed as one block at one price on the paper venue."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out
from copytrade.service_layer.block_execution import BlockSettings

router = APIRouter(
    prefix=f"{API_V1}/providers/me/block-execution", tags=["providers"],
    responses=errors(401, 422),
)  # fmt: skip


class BlockExecutionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = Field(
        description="On or off for your orders; null: the platform's setting applies. "
        "Refused while your own exchange account is linked: your orders are placed there, "
        'not by the platform (docs/engine.md "Block execution").'
    )


class BlockExecutionOut(Out):
    provider: str
    own: bool | None
    platform: bool
    enabled: bool


def settings_of(runtime: Runtime) -> BlockSettings:
    blocks = runtime.platform.blocks
    assert blocks is not None  # build_platform always attaches them
    return blocks


@router.get("", response_model=BlockExecutionOut)
def my_block_execution(user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """Whether your orders and their copies execute as one block, and why."""
    return settings_of(runtime).of(user.id).as_json()


@router.put("", response_model=BlockExecutionOut)
def set_block_execution(
    body: BlockExecutionBody, user: CurrentUser, runtime: Runtime
) -> dict[str, object]:
    """Set your own block-execution setting (null: follow the platform's)."""
    blocks = settings_of(runtime)
    return runtime.act(lambda: blocks.set(user.id, body.enabled)).as_json()
