"""Administration: users and roles, and the audit log."""

from __future__ import annotations

import datetime as dt

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import KartotekaError
from kartoteka.services import users as svc
from kartoteka.services.access import ROLES, require
from kartoteka.services import totp
from kartoteka.services.auditlog import AuditQuery, chain_state, list_audit
from kartoteka.services.passwords import MIN_PASSWORD
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import error_text, render
from kartoteka.web.vocabulary import N_

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
# Audit actions beyond the shared vocabulary, for the audit page's filter and rows.
AUDIT_ACTIONS = (N_("login_locked"), N_("logout"), N_("bad_password"), N_("totp_on"), N_("totp_off"),
                 N_("export"), N_("download"), N_("backup"), N_("publish"), N_("judge"))


def _users_page(request: Request, engine: EngineDep, error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "users.html", {"users": svc.list_users(engine), "roles": ROLES, "error": error,
                                          "totp_roles": totp.roles_requiring_totp(engine),
                                          "min_length": MIN_PASSWORD}, status_code=status_code)


@router.get("/users")
def users_page(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    require(principal, "admin")
    return _users_page(request, engine)


@router.post("/users")
def add_user(request: Request, engine: EngineDep, principal: PagePrincipal,
             username: Annotated[str, Form(max_length=120)], password: Annotated[str, Form(max_length=200)],
             role: Annotated[str, Form(max_length=12)], language: Annotated[str, Form(max_length=5)] = "en",
             ) -> Response:
    require(principal, "admin")
    try:
        svc.create_user(engine, username=username, password=password, role=role, language=language,
                        actor=principal.username)
    except KartotekaError as exc:
        return _users_page(request, engine, error_text(request, exc)[0], 422)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{username}")
def change_user(request: Request, engine: EngineDep, principal: PagePrincipal, username: str,
                role: Annotated[str, Form(max_length=12)], active: Annotated[str, Form(max_length=3)] = "",
                password: Annotated[str, Form(max_length=200)] = "",
                reset_totp: Annotated[str, Form(max_length=3)] = "") -> Response:
    require(principal, "admin")
    if username == principal.username and (role != "admin" or active != "on"):
        return _users_page(request, engine, N_("You cannot demote or disable yourself."), 422)
    try:
        svc.update_user(engine, username=username, actor=principal.username, role=role, active=active == "on",
                        password=password or None)
        if reset_totp == "on":
            totp.disable(engine, username=username, actor=principal.username)
    except KartotekaError as exc:
        return _users_page(request, engine, error_text(request, exc)[0], 422)
    return RedirectResponse("/users", status_code=303)


@router.post("/users-policy")
def change_policy(request: Request, engine: EngineDep, principal: PagePrincipal,
                  require_totp: Annotated[list[str] | None, Form(max_length=12)] = None) -> Response:
    """Which roles must sign in with a second factor."""
    require(principal, "admin")
    chosen = set(require_totp or [])
    for role in ROLES:
        if (role in chosen) != (role in totp.roles_requiring_totp(engine)):
            totp.set_role_policy(engine, role=role, require_totp=role in chosen, actor=principal.username)
    return RedirectResponse("/users", status_code=303)


@router.get("/audit")
def audit_page(request: Request, engine: EngineDep, principal: PagePrincipal,
               entity_type: Annotated[str, Query(max_length=32)] = "",
               entity_id: Annotated[str, Query(max_length=18)] = "",
               actor: Annotated[str, Query(max_length=120)] = "", action: Annotated[str, Query(max_length=12)] = "",
               before_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None) -> Response:
    eid = int(entity_id) if entity_id.isdigit() else None
    rows = list_audit(engine, principal, AuditQuery(entity_type, eid, actor, action, before_id, 200))
    from kartoteka.db.spool import pending

    chain = chain_state(engine)
    walked = dt.datetime.fromtimestamp(chain.walked_at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") \
        if chain.walked_at is not None else ""
    return render(request, "audit.html", {"rows": rows, "chain": chain, "spooled": pending(engine), "walked": walked,
                                          "q": {"entity_type": entity_type, "entity_id": entity_id,
                                                "actor": actor, "action": action}})
