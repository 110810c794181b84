"""Register, sign in, sign out, and who am I."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from copytrade.api.cookies import clear_session_cookie, set_session_cookie
from copytrade.api.deps import CurrentUser, Runtime, client_of, token_of
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.domain.identity import normalise_email
from copytrade.service_layer.identity import SIGNED_UP, User

router = APIRouter(prefix=f"{API_V1}/auth", tags=["auth"])


class SignUpBody(BaseModel):
    email: str = Field(max_length=254, examples=["ana@example.com"])
    password: str = Field(min_length=10, max_length=256)
    display_name: str = Field(default="", max_length=200)
    jurisdiction: str = Field(max_length=8, examples=["DE"])


class SignInBody(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class UserView(BaseModel):
    id: str
    email: str
    display_name: str
    jurisdiction: str
    is_admin: bool
    is_provider: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls.model_validate(user, from_attributes=True)


class SessionView(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserView


class SignUpView(BaseModel):
    email: str
    message: str = SIGNED_UP


@router.post("/register", status_code=202, responses=errors(413, 422, 429))
def register(body: SignUpBody, runtime: Runtime, request: Request) -> SignUpView:
    """The same answer whether the address is new or has an account (docs/api.md)."""
    runtime.identity.sign_up(
        body.email, body.password, body.display_name, body.jurisdiction, client_of(request)
    )
    return SignUpView(email=normalise_email(body.email))


@router.post("/login", responses=errors(401, 413, 422, 429))
def login(body: SignInBody, runtime: Runtime, request: Request, response: Response) -> SessionView:
    signed_in = runtime.identity.sign_in(body.email, body.password, client_of(request))
    set_session_cookie(request, response, signed_in)
    return SessionView(
        token=signed_in.token, expires_at=signed_in.expires_at, user=UserView.of(signed_in.user)
    )


@router.post("/logout", status_code=204, response_class=Response, responses=errors(401, 403))
def logout(request: Request, runtime: Runtime, user: CurrentUser) -> Response:
    token = token_of(request)
    if token:
        runtime.identity.sign_out(token)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me", responses=errors(401))
def me(user: CurrentUser) -> UserView:
    return UserView.of(user)
