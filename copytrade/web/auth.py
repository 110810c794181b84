"""Sign up, sign in and sign out with forms; the session lives in the HttpOnly cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.cookies import clear_session_cookie, set_session_cookie
from copytrade.api.deps import Runtime, client_of, token_of
from copytrade.api.origin import same_origin
from copytrade.domain.errors import DomainError
from copytrade.domain.identity import AuthenticationError, TooManyAttemptsError
from copytrade.service_layer.identity import SIGNED_UP
from copytrade.web import forms
from copytrade.web.pages import redirect, refused, render

router = APIRouter(include_in_schema=False)


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> HTMLResponse:
    return render(request, "signup.html", form={}, error=None)


@router.post("/signup", response_class=HTMLResponse)
async def signup(request: Request, runtime: Runtime) -> Response:
    if not same_origin(request):
        return refused(request)
    data = await request.form()
    shown = forms.kept(data, "email", "display_name", "jurisdiction")
    client = client_of(request)
    try:
        email = forms.text(data, "email", 254)
        password = forms.text(data, "password", 256, strip=False)
        if password != forms.text(data, "password_again", 256, strip=False):
            raise forms.FormError("the two passwords differ")
        runtime.identity.sign_up(
            email,
            password,
            forms.text(data, "display_name", 200),
            forms.text(data, "jurisdiction", 40),
            client,
        )
    except (forms.FormError, DomainError) as error:
        return render(
            request, "signup.html", forms.error_status(error), form=shown, error=str(error)
        )
    try:  # signed up as the API answers it; then signed in, as a client would next
        signed_in = runtime.identity.sign_in(email, password, client)
    except TooManyAttemptsError as error:
        return render(request, "login.html", 429, form=shown, error=str(error))
    except AuthenticationError:  # the address had an account, with another password
        return render(request, "login.html", form=shown, error=None, notice=SIGNED_UP)
    response = redirect("/me")
    set_session_cookie(request, response, signed_in)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", form={}, error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, runtime: Runtime) -> Response:
    if not same_origin(request):
        return refused(request)
    data = await request.form()
    shown = forms.kept(data, "email")
    try:
        email = forms.text(data, "email", 254)
        password = forms.text(data, "password", strip=False)
        signed_in = runtime.identity.sign_in(email, password, client_of(request))
    except (forms.FormError, DomainError) as error:
        return render(
            request,
            "login.html",
            forms.error_status(error),
            form=shown,
            error=str(error),
        )
    response = redirect("/me")
    set_session_cookie(request, response, signed_in)
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request) -> HTMLResponse:
    return render(request, "logout.html")


@router.post("/logout", response_class=HTMLResponse)
def logout(request: Request, runtime: Runtime) -> Response:
    if not same_origin(request):
        return refused(request)
    token = token_of(request)
    if token:
        runtime.identity.sign_out(token)
    response = redirect("/")
    clear_session_cookie(response)
    return response
