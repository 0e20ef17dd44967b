"""Sign in (password, then a TOTP or recovery code when the user has turned it on), sign out, the
language switch, and the account page with API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import Forbidden
from kartoteka.services import totp
from kartoteka.services import users as svc
from kartoteka.web.deps import EngineDep, OptionalUser, PageUser, SessionDep, SettingsDep, check_csrf
from kartoteka.web.i18n import LANGUAGES
from kartoteka.web.render import render
from kartoteka.web.security import Session, cookie_secure

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only local paths, so the sign-in page cannot be used to redirect elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _needs_https(request: Request) -> bool:
    """Plain HTTP away from localhost: the browser will not send the Secure session cookie back."""
    return request.url.scheme == "http" and cookie_secure(request.url.netloc, request.url.scheme)


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": "https" if _needs_https(request) else None})


def _step(request: Request, template: str, next: str, check: Callable[[], svc.User]) -> svc.User | Response:
    """One sign-in step: the address's limit of failed attempts, then ``check``; every failure gets one
    answer and counts against the address (successful sign-ins do not)."""
    client = request.client.host if request.client else "unknown"
    limiter = request.app.state.login_limiter
    if limiter.blocked(client):
        return render(request, template, {"next": _safe_next(next), "error": "too_many"}, status_code=429)
    try:
        return check()
    except Forbidden:  # one answer for every failure: it does not tell which accounts exist
        limiter.hit(client)
        return render(request, template, {"next": _safe_next(next), "error": "wrong"}, status_code=401)


def _signed_in(request: Request, session: Session, user: svc.User, next: str) -> Response:
    session.sign_in(user.id, user.session_version)
    request.state.user = user
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/login")
def login(request: Request, engine: EngineDep, settings: SettingsDep, session: SessionDep,
          username: Annotated[str, Form(max_length=120)], password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    user = _step(request, "login.html", next, lambda: svc.authenticate(
        engine, username=username, password=password, max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds))
    if isinstance(user, Response):
        return user
    if user.totp_enabled:
        session.await_second_factor(user.id)
        return RedirectResponse(f"/login/code?next={quote(_safe_next(next))}", status_code=303)
    return _signed_in(request, session, user, next)


@router.get("/login/code")
def code_form(request: Request, session: SessionDep, next: str = "/") -> Response:
    if session.second_factor_user() is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "login_code.html", {"next": _safe_next(next), "error": None})


@router.post("/login/code")
def code(request: Request, engine: EngineDep, settings: SettingsDep, session: SessionDep,
         code: Annotated[str, Form(max_length=40)], next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    """The second step: a code from the authenticator app, or one of the recovery codes."""
    pending = session.second_factor_user()
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    user = _step(request, "login_code.html", next, lambda: totp.verify_second_factor(
        engine, user_id=pending, code=code, max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds))
    return user if isinstance(user, Response) else _signed_in(request, session, user, next)


@router.post("/logout")
def logout(engine: EngineDep, session: SessionDep, user: OptionalUser) -> Response:
    """Signing out ends every session of the user, so a copied cookie is worthless afterwards (audited)."""
    if user is not None:
        svc.end_sessions(engine, user_id=user.id, actor=user.username)
    session.sign_out()
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def set_language(request: Request, engine: EngineDep, session: SessionDep, user: OptionalUser,
                 lang: Annotated[str, Form(max_length=5)], next: Annotated[str, Form(max_length=500)] = "/",
                 ) -> Response:
    if lang in LANGUAGES:
        session.lang, session.changed = lang, True
        if user is not None:
            svc.update_user(engine, username=user.username, actor=user.username, language=lang)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/account")
def account(request: Request, engine: EngineDep, user: PageUser) -> Response:
    return render(request, "account.html", {"tokens": svc.list_tokens(engine, username=user.username),
                                            "new_token": None})


@router.post("/account/tokens")
def create_token(request: Request, engine: EngineDep, user: PageUser,
                 name: Annotated[str, Form(min_length=1, max_length=120)]) -> Response:
    token = svc.create_token(engine, username=user.username, name=name, actor=user.username)
    return render(request, "account.html", {"tokens": svc.list_tokens(engine, username=user.username),
                                            "new_token": token})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(engine: EngineDep, user: PageUser, token_id: int) -> Response:
    if token_id in {t["id"] for t in svc.list_tokens(engine, username=user.username)}:
        svc.revoke_token(engine, token_id=token_id, actor=user.username)
    return RedirectResponse("/account", status_code=303)
