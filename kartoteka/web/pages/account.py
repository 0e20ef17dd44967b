"""The user's own account: a new password, and two-factor sign-in (enrolment with a QR code, recovery
codes, turning it off)."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import KartotekaError
from kartoteka.services import totp
from kartoteka.services import users as svc
from kartoteka.services.passwords import MIN_PASSWORD
from kartoteka.web.deps import EngineDep, PageUser, SessionDep, check_csrf
from kartoteka.web.render import error_text, render
from kartoteka.web.vocabulary import N_

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Secret = Annotated[str, Form(max_length=200)]


def _password_page(request: Request, error: str | None = None, done: bool = False, status_code: int = 200) -> Response:
    return render(request, "account_password.html", {"error": error, "done": done, "min_length": MIN_PASSWORD},
                  status_code=status_code)


@router.get("/account/password")
def password_form(request: Request, user: PageUser) -> Response:
    return _password_page(request)


@router.post("/account/password")
def change_password(request: Request, engine: EngineDep, session: SessionDep, user: PageUser,
                    current: Secret, new: Secret, confirm: Secret) -> Response:
    """Every other session and every API token of the user end; this session continues."""
    if new != confirm:
        return _password_page(request, N_("The two new passwords differ."), status_code=422)
    try:
        changed = svc.change_own_password(engine, username=user.username, current=current, new=new)
    except KartotekaError as exc:
        return _password_page(request, error_text(request, exc)[0], status_code=422)
    session.sign_in(changed.id, changed.session_version)
    return _password_page(request, done=True)


def _qr(uri: str) -> str:
    """The provisioning address as an inline SVG QR code (no image request, no third party)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=4, title="QR", dark="#000", light="#fff")
    return svg


@router.get("/account/totp")
def totp_page(request: Request, engine: EngineDep, user: PageUser) -> Response:
    if user.totp_enabled:
        return render(request, "account_totp.html", {
            "enabled": True, "remaining": totp.remaining_recovery_codes(engine, username=user.username),
            "codes": None, "error": None})
    secret = totp.pending_secret(engine, username=user.username) or totp.start_enrolment(engine, username=user.username)
    return _enrol_page(request, engine, user.username, secret)


def _enrol_page(request: Request, engine: EngineDep, username: str, secret: str, error: str | None = None,
                status_code: int = 200) -> Response:
    uri = totp.provisioning_uri(secret, username)
    return render(request, "account_totp.html", {
        "enabled": False, "qr": _qr(uri), "secret": secret, "codes": None, "error": error,
        "required": totp.must_enrol(engine, svc.get_user(engine, username=username))}, status_code=status_code)


@router.post("/account/totp")
def totp_confirm(request: Request, engine: EngineDep, session: SessionDep, user: PageUser,
                 code: Annotated[str, Form(max_length=20)]) -> Response:
    try:
        codes = totp.confirm_enrolment(engine, username=user.username, code=code)
    except KartotekaError as exc:
        secret = totp.pending_secret(engine, username=user.username)
        if secret is None:
            return RedirectResponse("/account/totp", status_code=303)
        return _enrol_page(request, engine, user.username, secret, error_text(request, exc)[0], 422)
    return render(request, "account_totp.html", {"enabled": True, "codes": codes, "remaining": len(codes),
                                                 "error": None})


@router.post("/account/totp/off")
def totp_off(request: Request, engine: EngineDep, session: SessionDep, user: PageUser, password: Secret) -> Response:
    """Turning the second factor off needs the password; the user's other sessions end."""
    if not svc.password_ok(engine, username=user.username, password=password):
        return render(request, "account_totp.html", {
            "enabled": True, "remaining": totp.remaining_recovery_codes(engine, username=user.username),
            "codes": None, "error": svc.WRONG_CURRENT}, status_code=422)
    totp.disable(engine, username=user.username, actor=user.username)
    fresh = svc.get_user(engine, user_id=user.id)
    session.sign_in(fresh.id, fresh.session_version)
    return RedirectResponse("/account/totp", status_code=303)
