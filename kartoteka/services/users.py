"""Users, passwords (argon2), sign-in with a short lockout, and API tokens (stored as sha256 hashes).

Every failed sign-in gets the same answer after the same work (one argon2 verification, one audit
entry), whether the user exists, is disabled, is locked or typed a wrong password: the reply and its
timing do not tell which accounts exist. A lockout is short (``login_lockout_seconds``), so a stranger
cannot keep someone out for long. Disabling a user or setting a new password ends their sessions and
revokes their API tokens for good; re-enabling the user revives neither. The last active administrator
cannot be demoted or disabled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, func, insert, select, update

from kartoteka.db.audit import log_event, now
from kartoteka.db.tables import api_tokens, users
from kartoteka.db.engine import conflicts_as, try_write
from kartoteka.errors import N_, Conflict, Forbidden, InvalidInput, Message, NotFound

_ROLE = N_("unknown role '%(role)s' (use %(roles)s)")
_LANGUAGE = N_("unknown language '%(language)s' (use %(languages)s)")
NO_TOKEN = N_("no API token %(id)s")
from kartoteka.services.access import ROLES, Principal
from kartoteka.services.passwords import MIN_PASSWORD, N_, check_password_strength, check_username

__all__ = ["MIN_PASSWORD", "check_password_strength"]
LANGUAGES = ("en", "uk", "ru")
TOKEN_PREFIX = "kt_"
_HASHER = PasswordHasher()
_DUMMY: dict[str, str] = {}
REFUSED = N_("Wrong username or password, or too many attempts: wait a minute and try again.")
LAST_ADMIN = N_("The last active administrator cannot be demoted or disabled.")
WRONG_CURRENT = N_("The current password is wrong.")


def _dummy_hash() -> str:
    """A hash of a random password with the current hasher's costs, verified when the user does not
    exist, so that the time taken does not tell."""
    key = f"{_HASHER.time_cost}/{_HASHER.memory_cost}/{_HASHER.parallelism}"
    if key not in _DUMMY:
        _DUMMY[key] = _HASHER.hash(secrets.token_hex(16))
    return _DUMMY[key]


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
    totp_enabled: bool = False

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role)


def _user(row: Any) -> User:
    locked = row.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=dt.timezone.utc)
    return User(row.id, row.username, row.role, row.language, bool(row.active), row.failed_logins, locked,
                row.session_version, bool(row.totp_enabled))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def create_user(engine: Engine, *, username: str, password: str, role: str, language: str = "en",
                actor: str) -> User:
    name = check_username(username)
    if role not in ROLES:
        raise InvalidInput.of(_ROLE, role=role, roles=", ".join(ROLES))
    if language not in LANGUAGES:
        raise InvalidInput.of(_LANGUAGE, language=language, languages=", ".join(LANGUAGES))
    check_password_strength(password, username=name)
    exists = Message(N_("user '%(name)s' already exists"), name=name)
    with conflicts_as(exists), engine.begin() as conn:   # two administrators adding the same name at once
        if conn.execute(select(users.c.id).where(users.c.username == name)).first():
            raise Conflict(exists)
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
        raise NotFound.of(N_("no user '%(name)s'"), name=str(username if username is not None else user_id))
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
            raise InvalidInput.of(_ROLE, role=role, roles=", ".join(ROLES))
        values["role"] = role
    if active is not None:
        values["active"] = active
    if language is not None:
        if language not in LANGUAGES:
            raise InvalidInput.of(_LANGUAGE, language=language, languages=", ".join(LANGUAGES))
        values["language"] = language
    user = get_user(engine, username=username)
    if password is not None:
        check_password_strength(password, username=user.username)
        values.update(password_hash=_HASHER.hash(password), failed_logins=0, locked_until=None)
    ends = password is not None or (active is False and user.active)
    with engine.begin() as conn:
        if (values.get("role", "admin") != "admin" or values.get("active", True) is False) and user.role == "admin":
            _refuse_last_admin(conn, user.id)
        if ends:  # sessions and tokens end for good: re-enabling the user revives neither
            values["session_version"] = users.c.session_version + 1
            conn.execute(update(api_tokens).where(api_tokens.c.user_id == user.id).values(revoked=True))
        if values:
            conn.execute(update(users).where(users.c.id == user.id).values(**values))
        for key in ("role", "active", "language"):
            if key in values and getattr(user, key) != values[key]:
                log_event(conn, entity="user", entity_id=user.id, action="update", actor=actor,
                          field=key, before=getattr(user, key), after=values[key])
        if password is not None:
            log_event(conn, entity="user", entity_id=user.id, action="update", actor=actor, field="password")
    return get_user(engine, user_id=user.id)


def _refuse_last_admin(conn: Any, user_id: int) -> None:
    others = conn.execute(select(func.count()).select_from(users).where(
        users.c.role == "admin", users.c.active.is_(True), users.c.id != user_id)).scalar_one()
    if not others:
        raise Conflict(LAST_ADMIN)


def end_sessions(engine: Engine, *, user_id: int, actor: str | None = None) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working (audited)."""
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(session_version=users.c.session_version + 1))
        if actor is not None:
            log_event(conn, entity="user", entity_id=user_id, action="logout", actor=actor)


def password_ok(engine: Engine, *, username: str, password: str) -> bool:
    """Whether ``password`` is the user's (to confirm a sensitive change)."""
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.username == username)).scalar()
    return _verify(stored if stored is not None else _dummy_hash(), password) and stored is not None


def change_own_password(engine: Engine, *, username: str, current: str, new: str) -> User:
    """A user sets a new password after giving the current one: every other session and every API
    token of the user end (the caller signs the current session in again)."""
    user = get_user(engine, username=username)
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.id)).scalar_one()
    if not _verify(stored, current):
        with engine.begin() as conn:
            log_event(conn, entity="user", entity_id=user.id, action="bad_password", actor=user.username)
        raise Forbidden(WRONG_CURRENT)
    check_password_strength(new, username=user.username)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(
            password_hash=_HASHER.hash(new), session_version=users.c.session_version + 1))
        conn.execute(update(api_tokens).where(api_tokens.c.user_id == user.id).values(revoked=True))
        log_event(conn, entity="user", entity_id=user.id, action="update", actor=user.username, field="password",
                  after="changed by the user")
    return get_user(engine, user_id=user.id)


def authenticate(engine: Engine, *, username: str, password: str, max_failures: int,
                 lockout_seconds: int) -> User:
    """The user when the password is right and the account active and not locked; otherwise Forbidden
    with one message for every reason, after the same work. ``max_failures`` wrong passwords in a row
    lock the account for ``lockout_seconds``; attempts while it is locked are refused and audited but
    do not extend the lock."""
    name = username.strip()
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    ok = _verify(row.password_hash if row is not None else _dummy_hash(), password)  # the same work for all
    at = now()
    if row is None:
        with engine.begin() as conn:   # the same write as for a known user
            log_event(conn, entity="user", entity_id=0, action="login_failed", actor="-", after={"reason": "unknown"})
        raise Forbidden(REFUSED)
    user = _user(row)
    locked = user.locked_until is not None and user.locked_until > at
    if ok and user.active and not locked and not user.failed_logins and user.locked_until is None \
            and not _HASHER.check_needs_rehash(row.password_hash):
        # nothing of the account changes: only the audit entry, which never waits behind a long import
        # (on SQLite it is spooled when the write lock is held: db/spool.py)
        from kartoteka.services.auditlog import record_event
        record_event(engine, actor=user.username, action="login", entity="user", entity_id=user.id)
        return user
    with engine.begin() as conn:
        if ok and user.active and not locked:
            values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
            if _HASHER.check_needs_rehash(row.password_hash):
                values["password_hash"] = _HASHER.hash(password)
            conn.execute(update(users).where(users.c.id == user.id).values(**values))
            log_event(conn, entity="user", entity_id=user.id, action="login", actor=user.username)
            return replace(user, failed_logins=0, locked_until=None)
        record_failure(conn, user, at, max_failures=max_failures, lockout_seconds=lockout_seconds,
                       reason="locked" if locked else "password" if not ok else "disabled")
    raise Forbidden(REFUSED)


def record_failure(conn: Any, user: User, at: dt.datetime, *, max_failures: int, lockout_seconds: int,
                   reason: str) -> None:
    """Count a failed sign-in step (password or second factor) and audit it; a locked account stays
    locked until its time is up, however often it is tried."""
    if reason == "locked":
        log_event(conn, entity="user", entity_id=user.id, action="login_locked", actor=user.username)
        return
    failures = user.failed_logins + 1
    lock = at + dt.timedelta(seconds=lockout_seconds) if failures >= max_failures else None
    conn.execute(update(users).where(users.c.id == user.id).values(failed_logins=0 if lock else failures,
                                                                   locked_until=lock))
    log_event(conn, entity="user", entity_id=user.id, action="login_failed", actor=user.username,
              after={"reason": reason, "locked": lock is not None})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, *, username: str, name: str, actor: str) -> str:
    """A new API token for ``username``; the plain token is returned once and never stored."""
    user = get_user(engine, username=username)
    if not name.strip() or len(name) > 120 or any(ord(c) < 32 for c in name):
        raise InvalidInput.of(N_("a token needs a name of 1-120 printable characters"))
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
            raise NotFound.of(NO_TOKEN, id=token_id)
        log_event(conn, entity="api_token", entity_id=token_id, action="revoke", actor=actor)


_TOKEN_USER = (select(users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
               .join(api_tokens, api_tokens.c.user_id == users.c.id)
               .where(api_tokens.c.token_hash == bindparam("hash"), api_tokens.c.revoked.is_(False),
                      users.c.active.is_(True)))


def user_for_token(engine: Engine, token: str) -> User | None:
    """The active user a bearer token belongs to, or None; records when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with engine.connect() as conn:   # a read: it never waits for a long import's write lock
        row = conn.execute(_TOKEN_USER, {"hash": _token_hash(token)}).first()
        conn.rollback()
    if row is None:
        return None
    at = now()
    last = row.last_used_at
    if last is None or (last.replace(tzinfo=dt.timezone.utc) if last.tzinfo is None else last) \
            < at - dt.timedelta(minutes=5):
        with try_write(engine, wait=0.2) as conn:   # while SQLite's lock is busy, a later request records it
            if conn is not None:
                conn.execute(update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=at))
    return _user(row)
