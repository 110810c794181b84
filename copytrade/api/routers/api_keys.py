"""The signed-in user's API keys: make one (shown once), list them, revoke one
(docs/api.md, API keys). Only a person signed in with a session manages keys:
a request signed with a key gets 403 here, so a leaked key cannot make more."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from copytrade.adapters.db.repositories.api_keys import StoredApiKey
from copytrade.api.deps import Runtime, SessionUser
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out, Timestamp

router = APIRouter(prefix=f"{API_V1}/auth/keys", tags=["auth"], responses=errors(401, 403, 429))

KEY_ID = Path(pattern=r"^k-[0-9a-f]{16}$", examples=["k-0123456789abcdef"])


class NewKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["my trading bot"])
    scope: Literal["read", "trade"] = Field(
        description="`read`: GET only (any change is 403); `trade`: everything the user may do "
        "except managing API keys."
    )


class KeyOut(Out):
    id: str
    name: str
    scope: Literal["read", "trade"]
    created_at: Timestamp
    revoked_at: Timestamp | None


class NewKeyOut(KeyOut):
    key: str = Field(description="The key itself: shown this once, never again.")


class KeysOut(Out):
    keys: list[KeyOut]


def key_view(key: StoredApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "name": key.name,
        "scope": key.scope,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@router.post("", status_code=201, response_model=NewKeyOut, responses=errors(409, 413, 422))
def create_key(body: NewKeyBody, user: SessionUser, runtime: Runtime) -> dict[str, object]:
    """A new key; send it as `Authorization: Bearer <key>`. Store it now: only its hash is kept."""
    made = runtime.api_keys.create(user.id, body.name, body.scope)
    return {**key_view(made.stored), "key": made.key}


@router.get("", response_model=KeysOut)
def my_keys(user: SessionUser, runtime: Runtime) -> dict[str, object]:
    """My keys, revoked ones too, oldest first (never the keys themselves)."""
    return {"keys": [key_view(k) for k in runtime.api_keys.of_user(user.id)]}


@router.delete("/{key_id}", status_code=204, response_class=Response, responses=errors(404, 422))
def revoke_key(user: SessionUser, runtime: Runtime, key_id: str = KEY_ID) -> Response:
    """Revoke a key at once, on every server (revoking a revoked key answers 204 too)."""
    runtime.api_keys.revoke(user.id, key_id)
    return Response(status_code=204)
