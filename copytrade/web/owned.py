"""Form POSTs that change one of the signed-in user's things by id (switch it, delete it
after confirming): the CSRF rule of every form, the thing's own not-found error shown as
the page again with a 404, and a 303 back to the list when done (docs/web.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from copytrade.api.deps import Runtime
from copytrade.domain.errors import DomainError
from copytrade.service_layer.identity import User
from copytrade.web import forms
from copytrade.web.pages import poster, redirect, render


@dataclass(frozen=True, slots=True)
class OwnedThings:
    """How one page's things are changed: where its list is, which error says "not
    yours or not there", and how the page is shown with a message."""

    back: str
    missing: type[Exception]
    page: Callable[[User, int, str], Response]

    def change(self, request: Request, runtime: Runtime, act: Callable[[User], object]) -> Response:
        """Run ``act`` for the user who posted, under the engine lock."""
        user = poster(request)
        if isinstance(user, Response):
            return user
        return self._done(runtime, user, act)

    async def remove(
        self, request: Request, runtime: Runtime, act: Callable[[User], object],
        confirm_page: Callable[[User, int, str], Response], unconfirmed: str,
    ) -> Response:
        """Run ``act`` when the form's ``confirm`` box is ticked; else the confirmation
        page again, 422, with ``unconfirmed``."""
        user = poster(request)
        if isinstance(user, Response):
            return user
        data = await request.form()
        if forms.text(data, "confirm", 8) != "yes":
            return confirm_page(user, 422, unconfirmed)
        return self._done(runtime, user, act)

    def confirmation(
        self, request: Request, user: User, find: Callable[[], object], template: str,
        status: int = 200, error: str = "",
    ) -> Response:
        """The page that asks before a destructive change, showing the thing (``find``:
        the user's own, or the not-found error) as ``thing``."""
        try:
            thing = find()
        except self.missing as missing:
            return self.page(user, 404, str(missing))
        return render(request, template, status, user=user, thing=thing, error=error)

    async def make(
        self, request: Request, act: Callable[[User, Mapping[str, object]], object],
        again: Callable[[User, int, str, Mapping[str, object]], Response],
    ) -> Response:
        """A form that makes a thing: ``act`` with what was posted (it takes the engine
        lock itself); a field or rule refused shows the page ``again``, 422 (or the
        API's status), with the message and what was typed; nothing is stored."""
        user = poster(request)
        if isinstance(user, Response):
            return user
        data = await request.form()
        try:
            act(user, data)
        except (forms.FormError, DomainError) as error:
            return again(user, forms.error_status(error), str(error), data)
        return redirect(self.back)

    def _done(self, runtime: Runtime, user: User, act: Callable[[User], object]) -> Response:
        try:
            runtime.act(lambda: act(user))
        except self.missing as error:
            return self.page(user, 404, str(error))
        return redirect(self.back)
