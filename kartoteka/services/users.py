"""Users, passwords (argon2), sign-in with lockout, and API tokens (stored as sha256 hashes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, insert, select, update

from kartoteka.db.audit import log_event, now
from kartoteka.db.tables import api_tokens, users
from kartoteka.errors import Conflict, Forbidden, InvalidInput, NotFound
from kartoteka.services.access import ROLES, Principal

LANGUAGES = ("en", "uk", "ru")
MIN_PASSWORD = 10
TOKEN_PREFIX = "kt_"
_HASHER = PasswordHasher()
# A hash of a random password, verified when the user does not exist so timing does not tell.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    language: str
    active: bool
    failed_logins: int
    locked_until: dt.datetime | None
    session_version: int = 1

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role)


def _user(row: Any) -> User:
    locked = row.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=dt.timezone.utc)
    return User(row.id, row.username, row.role, row.language, bool(row.active), row.failed_logins, locked,
                row.session_version)


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 120 or any(ord(c) < 33 for c in name):
        raise InvalidInput("a username is 1-120 characters without spaces or control characters")
    return name


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")


def create_user(engine: Engine, *, username: str, password: str, role: str, language: str = "en",
                actor: str) -> User:
    name = _check_username(username)
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}' (use {', '.join(ROLES)})")
    if language not in LANGUAGES:
        raise InvalidInput(f"unknown language '{language}' (use {', '.join(LANGUAGES)})")
    check_password_strength(password)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == name)).first():
            raise Conflict(f"user '{name}' already exists")
        uid = conn.execute(insert(users).returning(users.c.id).values(
            username=name, password_hash=_HASHER.hash(password), role=role, language=language,
            active=True, failed_logins=0, created_at=now())).scalar_one()
        log_event(conn, entity="user", entity_id=uid, action="create", actor=actor,
                  after={"username": name, "role": role})
        return _user(conn.execute(select(users).where(users.c.id == uid)).one())


def get_user(engine: Engine, *, user_id: int | None = None, username: str | None = None) -> User:
    stmt = select(users).where(users.c.id == user_id) if user_id is not None else \
        select(users).where(users.c.username == (username or ""))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"no user '{username if username is not None else user_id}'")
    return _user(row)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def update_user(engine: Engine, *, username: str, actor: str, role: str | None = None,
                active: bool | None = None, language: str | None = None,
                password: str | None = None) -> User:
    """Change a user's role, active flag, language or password; each change is audited."""
    values: dict[str, Any] = {}
    if role is not None:
        if role not in ROLES:
            raise InvalidInput(f"unknown role '{role}' (use {', '.join(ROLES)})")
        values["role"] = role
    if active is not None:
        values["active"] = active
    if language is not None:
        if language not in LANGUAGES:
            raise InvalidInput(f"unknown language '{language}' (use {', '.join(LANGUAGES)})")
        values["language"] = language
    if password is not None:
        check_password_strength(password)
        values.update(password_hash=_HASHER.hash(password), failed_logins=0, locked_until=None,
                      session_version=users.c.session_version + 1)
    user = get_user(engine, username=username)
    with engine.begin() as conn:
        if values:
            conn.execute(update(users).where(users.c.id == user.id).values(**values))
        for key in ("role", "active", "language"):
            if key in values and getattr(user, key) != values[key]:
                log_event(conn, entity="user", entity_id=user.id, action="update", actor=actor,
                          field=key, before=getattr(user, key), after=values[key])
        if password is not None:
            log_event(conn, entity="user", entity_id=user.id, action="update", actor=actor, field="password")
    return get_user(engine, user_id=user.id)


def end_sessions(engine: Engine, *, user_id: int) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(session_version=users.c.session_version + 1))


def authenticate(engine: Engine, *, username: str, password: str, max_failures: int,
                 lockout_seconds: int) -> User:
    """The user when the password is right; Forbidden otherwise (same message for every reason
    except a lockout). ``max_failures`` wrong passwords in a row lock the account."""
    refused = Forbidden("wrong username or password")
    locked_out = Forbidden("this account is locked after too many failed sign-ins; try again later")
    outcome: Forbidden | None = None
    with engine.begin() as conn:  # failures are committed before the error is raised
        row = conn.execute(select(users).where(users.c.username == username.strip())).first()
        if row is None:
            try:
                _HASHER.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            raise refused
        user = _user(row)
        at = now()
        if user.locked_until is not None and user.locked_until > at:
            raise locked_out
        try:
            ok: bool = _HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or not user.active:
            failures = user.failed_logins + 1 if not ok else user.failed_logins
            locked = at + dt.timedelta(seconds=lockout_seconds) if failures >= max_failures else None
            conn.execute(update(users).where(users.c.id == user.id).values(
                failed_logins=0 if locked else failures, locked_until=locked))
            log_event(conn, entity="user", entity_id=user.id, action="login_failed", actor=user.username,
                      after={"locked": locked is not None})
            outcome = locked_out if locked else refused
        else:
            values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
            if _HASHER.check_needs_rehash(row.password_hash):
                values["password_hash"] = _HASHER.hash(password)
            conn.execute(update(users).where(users.c.id == user.id).values(**values))
            log_event(conn, entity="user", entity_id=user.id, action="login", actor=user.username)
    if outcome is not None:
        raise outcome
    return get_user(engine, user_id=user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, *, username: str, name: str, actor: str) -> str:
    """A new API token for ``username``; the plain token is returned once and never stored."""
    user = get_user(engine, username=username)
    if not name.strip() or len(name) > 120 or any(ord(c) < 32 for c in name):
        raise InvalidInput("a token needs a name of 1-120 printable characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        tid = conn.execute(insert(api_tokens).returning(api_tokens.c.id).values(
            user_id=user.id, name=name.strip(), token_hash=_token_hash(token), created_at=now(),
            revoked=False)).scalar_one()
        log_event(conn, entity="api_token", entity_id=tid, action="create", actor=actor,
                  after={"user": user.username, "name": name.strip()})
    return token


def list_tokens(engine: Engine, *, username: str) -> list[dict[str, Any]]:
    user = get_user(engine, username=username)
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at,
                                   api_tokens.c.last_used_at, api_tokens.c.revoked)
                            .where(api_tokens.c.user_id == user.id).order_by(api_tokens.c.id))
        return [dict(r) for r in rows.mappings()]


def revoke_token(engine: Engine, *, token_id: int, actor: str) -> None:
    with engine.begin() as conn:
        res = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked=True))
        if res.rowcount != 1:
            raise NotFound(f"no API token {token_id}")
        log_event(conn, entity="api_token", entity_id=token_id, action="revoke", actor=actor)


_TOKEN_USER = (select(users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
               .join(api_tokens, api_tokens.c.user_id == users.c.id)
               .where(api_tokens.c.token_hash == bindparam("hash"), api_tokens.c.revoked.is_(False),
                      users.c.active.is_(True)))


def user_for_token(engine: Engine, token: str) -> User | None:
    """The active user a bearer token belongs to, or None; records when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with engine.begin() as conn:
        row = conn.execute(_TOKEN_USER, {"hash": _token_hash(token)}).first()
        if row is None:
            return None
        at = now()
        last = row.last_used_at
        if last is None or (last.replace(tzinfo=dt.timezone.utc) if last.tzinfo is None else last) \
                < at - dt.timedelta(minutes=5):
            conn.execute(update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=at))
        return _user(row)
