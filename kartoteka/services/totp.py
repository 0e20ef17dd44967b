"""Two-factor sign-in: TOTP (RFC 6238, 30-second codes from an authenticator app) with recovery codes,
and the per-role policy that requires it.

Enrolment stores a new secret, unconfirmed, and turns it on only when the user types a code from it.
A code is accepted once (the time step is remembered, so a seen code cannot be replayed) within one
step either side of now. Ten recovery codes are shown once; only their sha256 is stored, and each
works once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import pyotp
from sqlalchemy import Engine, delete, insert, select, update

from kartoteka.db.audit import log_event, now
from kartoteka.db.tables import role_policies, users
from kartoteka.errors import Conflict, Forbidden, InvalidInput
from kartoteka.services.access import ROLES
from kartoteka.services.passwords import N_
from kartoteka.services.users import REFUSED, User, _user, get_user, record_failure

ISSUER = "Kartoteka"
RECOVERY_CODES = 10
STEP = 30
WRONG_CODE = N_("That code is not right. Type the 6-digit code your app shows now.")
ALREADY = N_("Two-factor sign-in is already on.")
_POLICY_TTL = 2.0
_policy_cache: dict[str, tuple[float, frozenset[str]]] = {}


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").replace(" ", "").upper().encode()).hexdigest()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def start_enrolment(engine: Engine, *, username: str) -> str:
    """A new secret for the user (not yet in force); returns it for the QR code."""
    user = get_user(engine, username=username)
    if user.totp_enabled:
        raise Conflict(ALREADY)
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(totp_secret=secret))
    return secret


def pending_secret(engine: Engine, *, username: str) -> str | None:
    with engine.connect() as conn:
        row = conn.execute(select(users.c.totp_secret, users.c.totp_enabled).where(users.c.username == username)).first()
    return row.totp_secret if row is not None and not row.totp_enabled else None


def _matching_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp, current = pyotp.TOTP(secret), int((at if at is not None else time.time()) // STEP)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(engine: Engine, *, username: str, code: str) -> list[str]:
    """Turn two-factor sign-in on when ``code`` comes from the pending secret; returns the recovery
    codes (shown once)."""
    user = get_user(engine, username=username)
    secret = pending_secret(engine, username=username)
    step = _matching_step(secret, code, None) if secret else None
    if step is None:
        raise InvalidInput(WRONG_CODE)
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(
            totp_enabled=True, totp_last_step=step, recovery_codes=json.dumps([_hash(c) for c in codes])))
        log_event(conn, entity="user", entity_id=user.id, action="totp_on", actor=user.username)
    return codes


def disable(engine: Engine, *, username: str, actor: str) -> None:
    """Turn two-factor sign-in off (the user, after their password; or an administrator for a user who
    lost the device); the user's sessions end."""
    user = get_user(engine, username=username)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(
            totp_enabled=False, totp_secret=None, totp_last_step=None, recovery_codes="[]",
            session_version=users.c.session_version + 1))
        log_event(conn, entity="user", entity_id=user.id, action="totp_off", actor=actor)


def verify_second_factor(engine: Engine, *, user_id: int, code: str, max_failures: int,
                         lockout_seconds: int) -> User:
    """The user when ``code`` is a current TOTP code or an unused recovery code; wrong codes count
    towards the same lockout as wrong passwords, and get the same answer."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None or not row.totp_enabled or not row.totp_secret:
        raise Forbidden(REFUSED)
    user, at = _user(row), now()
    locked = user.locked_until is not None and user.locked_until > at
    step = _matching_step(row.totp_secret, code, row.totp_last_step)
    hashes: list[str] = json.loads(row.recovery_codes or "[]")
    recovery = step is None and _hash(code) in hashes
    with engine.begin() as conn:
        if (step is not None or recovery) and user.active and not locked:
            values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
            if step is not None:
                values["totp_last_step"] = step
            else:
                values["recovery_codes"] = json.dumps([h for h in hashes if h != _hash(code)])
            res = conn.execute(update(users).where(users.c.id == user.id,
                                                   users.c.totp_last_step == row.totp_last_step
                                                   if row.totp_last_step is not None else
                                                   users.c.totp_last_step.is_(None)).values(**values))
            if res.rowcount == 1:  # a code used twice at once: only one of them wins
                log_event(conn, entity="user", entity_id=user.id, action="login", actor=user.username,
                          after={"second_factor": "totp" if step is not None else "recovery"})
                return user
        record_failure(conn, user, at, max_failures=max_failures, lockout_seconds=lockout_seconds,
                       reason="locked" if locked else "code")
    raise Forbidden(REFUSED)


def remaining_recovery_codes(engine: Engine, *, username: str) -> int:
    with engine.connect() as conn:
        raw = conn.execute(select(users.c.recovery_codes).where(users.c.username == username)).scalar()
    return len(json.loads(raw or "[]"))


def roles_requiring_totp(engine: Engine) -> frozenset[str]:
    """Roles whose users must sign in with a second factor (cached for two seconds per process)."""
    key = str(engine.url)
    cached = _policy_cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    with engine.connect() as conn:
        roles = frozenset(conn.execute(select(role_policies.c.role).where(role_policies.c.require_totp.is_(True)))
                          .scalars())
    _policy_cache[key] = (time.monotonic() + _POLICY_TTL, roles)
    return roles


def set_role_policy(engine: Engine, *, role: str, require_totp: bool, actor: str) -> None:
    if role not in ROLES:
        raise InvalidInput.of(N_("unknown role '%(role)s' (use %(roles)s)"), role=role, roles=", ".join(ROLES))
    with engine.begin() as conn:
        conn.execute(delete(role_policies).where(role_policies.c.role == role))
        conn.execute(insert(role_policies).values(role=role, require_totp=require_totp))
        log_event(conn, entity="role_policy", entity_id=ROLES.index(role), action="update", actor=actor,
                  field="require_totp", after=require_totp)
    _policy_cache.clear()


def must_enrol(engine: Engine, user: User) -> bool:
    """The user's role requires two-factor sign-in and the user has not turned it on."""
    return not user.totp_enabled and user.role in roles_requiring_totp(engine)
