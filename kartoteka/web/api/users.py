"""/api/users (administrators) and /api/me with the caller's API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from kartoteka.services import users as svc
from kartoteka.web.api.models import ERRORS, IdPath, Text
from kartoteka.web.deps import AdminApiPrincipal, ApiUser, EngineDep, check_csrf

router = APIRouter(tags=["users"], dependencies=[Depends(check_csrf)], responses=ERRORS)
Username = Annotated[str, Path(max_length=120)]


class UserOut(BaseModel):
    username: str
    role: str
    language: str
    active: bool
    locked_until: dt.datetime | None
    totp_enabled: bool = False


class UserIn(BaseModel):
    username: Text = Field(min_length=1, max_length=120)
    password: Text = Field(min_length=svc.MIN_PASSWORD, max_length=200)
    role: Text = Field(pattern="^(viewer|editor|reviewer|admin)$")
    language: Text = Field(default="en", pattern="^(en|uk|ru)$")


class UserPatch(BaseModel):
    role: Text | None = Field(default=None, pattern="^(viewer|editor|reviewer|admin)$")
    active: bool | None = None
    language: Text | None = Field(default=None, pattern="^(en|uk|ru)$")
    password: Text | None = Field(default=None, min_length=svc.MIN_PASSWORD, max_length=200)


class PasswordChange(BaseModel):
    current: Text = Field(min_length=1, max_length=200)
    new: Text = Field(min_length=svc.MIN_PASSWORD, max_length=200)


class TokenIn(BaseModel):
    name: Text = Field(min_length=1, max_length=120)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


class NewToken(BaseModel):
    token: Text = Field(description="shown once; store it safely")


def _out(u: svc.User) -> UserOut:
    return UserOut(username=u.username, role=u.role, language=u.language, active=u.active,
                   locked_until=u.locked_until, totp_enabled=u.totp_enabled)


@router.get("/users", response_model=list[UserOut], summary="All users (administrators)")
def list_users(engine: EngineDep, admin: AdminApiPrincipal) -> list[UserOut]:
    return [_out(u) for u in svc.list_users(engine)]


@router.post("/users", response_model=UserOut, status_code=201, summary="Add a user (administrators)",
             responses={409: {"description": "The username is taken"}})
def add_user(body: UserIn, engine: EngineDep, admin: AdminApiPrincipal) -> UserOut:
    return _out(svc.create_user(engine, username=body.username, password=body.password, role=body.role,
                                language=body.language, actor=admin.username))


@router.patch("/users/{username}", response_model=UserOut, summary="Change role, active flag, language or password")
def change_user(username: Username, body: UserPatch, engine: EngineDep, admin: AdminApiPrincipal) -> UserOut:
    return _out(svc.update_user(engine, username=username, actor=admin.username, role=body.role,
                                active=body.active, language=body.language, password=body.password))


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: ApiUser) -> UserOut:
    return _out(user)


@router.post("/me/password", response_model=UserOut, summary="Change your password",
             description="Needs the current password. Every session and API token of yours ends, this one too.",
             responses={403: {"description": "The current password is wrong"}})
def change_password(body: PasswordChange, user: ApiUser, engine: EngineDep) -> UserOut:
    return _out(svc.change_own_password(engine, username=user.username, current=body.current, new=body.new))


@router.get("/me/tokens", response_model=list[TokenOut], summary="Your API tokens")
def my_tokens(user: ApiUser, engine: EngineDep) -> list[TokenOut]:
    return [TokenOut(**t) for t in svc.list_tokens(engine, username=user.username)]


@router.post("/me/tokens", response_model=NewToken, status_code=201, summary="Create an API token for yourself")
def new_token(body: TokenIn, user: ApiUser, engine: EngineDep) -> NewToken:
    return NewToken(token=svc.create_token(engine, username=user.username, name=body.name, actor=user.username))


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of your API tokens")
def revoke(token_id: IdPath, user: ApiUser, engine: EngineDep) -> None:
    if token_id not in {t["id"] for t in svc.list_tokens(engine, username=user.username)}:
        from kartoteka.errors import NotFound
        raise NotFound.of(svc.NO_TOKEN, id=token_id)
    svc.revoke_token(engine, token_id=token_id, actor=user.username)
