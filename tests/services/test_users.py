"""Users: argon2 hashes, sign-in with lockout, disabled accounts, API tokens stored as sha256."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from kartoteka.db.tables import api_tokens, users
from kartoteka.errors import Conflict, Forbidden, InvalidInput
from kartoteka.services import users as svc
from tests.conftest import Db

PW = "a long passphrase"


def _auth(db: Db, password: str = PW, name: str = "anna") -> svc.User:
    return svc.authenticate(db.engine, username=name, password=password, max_failures=3, lockout_seconds=60)


def test_passwords_are_argon2_hashes(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    with db.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert _auth(db).role == "editor"
    with pytest.raises(Conflict):
        svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")
    with pytest.raises(InvalidInput):
        svc.create_user(db.engine, username="bob", password="short", role="viewer", actor="t")
    with pytest.raises(InvalidInput):
        svc.create_user(db.engine, username="bob", password=PW, role="superuser", actor="t")


def test_lockout_after_failures_and_expiry(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")
    for _ in range(2):
        with pytest.raises(Forbidden, match="Wrong username or password"):
            _auth(db, "nope")
    with pytest.raises(Forbidden, match="Wrong username or password"):   # the same answer when it locks
        _auth(db, "nope")
    assert svc.get_user(db.engine, username="anna").locked_until is not None
    with pytest.raises(Forbidden, match="Wrong username or password"):
        _auth(db)                       # even the right password, while locked
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    with db.engine.begin() as conn:
        conn.execute(update(users).values(locked_until=past))
    assert _auth(db).username == "anna"
    assert svc.get_user(db.engine, username="anna").failed_logins == 0


def test_disabled_user_and_unknown_user_are_refused(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")
    svc.update_user(db.engine, username="anna", actor="t", active=False)
    with pytest.raises(Forbidden):
        _auth(db)
    with pytest.raises(Forbidden, match="Wrong username or password"):
        _auth(db, name="nobody")


def test_api_tokens_hashed_and_revocable(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="reviewer", actor="t")
    token = svc.create_token(db.engine, username="anna", name="script", actor="t")
    with db.engine.connect() as conn:
        assert token not in str(conn.execute(select(api_tokens)).all())
    user = svc.user_for_token(db.engine, token)
    assert user is not None and user.principal.role == "reviewer"
    assert svc.user_for_token(db.engine, token + "x") is None
    (tid,) = [t["id"] for t in svc.list_tokens(db.engine, username="anna")]
    svc.revoke_token(db.engine, token_id=tid, actor="t")
    assert svc.user_for_token(db.engine, token) is None


def test_a_token_is_accepted_while_another_process_holds_the_write_lock(db: Db) -> None:
    import sqlite3
    import time

    svc.create_user(db.engine, username="tok", password=PW, role="viewer", actor="t")
    token = svc.create_token(db.engine, username="tok", name="t", actor="t")
    other = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None) if db.backend == "sqlite" else None
    if other is not None:
        other.execute("BEGIN IMMEDIATE")   # a long import in another process
    try:
        started = time.monotonic()
        user = svc.user_for_token(db.engine, token)
        assert user is not None and user.username == "tok" and time.monotonic() - started < 3
    finally:
        if other is not None:
            other.execute("ROLLBACK")
            other.close()
    svc.user_for_token(db.engine, token)   # the lock is free again: the use is recorded
    with db.engine.connect() as conn:
        assert conn.execute(select(api_tokens.c.last_used_at)).scalar() is not None


def test_a_sign_in_does_not_wait_for_a_long_import_and_is_still_audited(db: Db) -> None:
    import sqlite3
    import time

    from kartoteka.db.audit import drain_spool
    from kartoteka.db.tables import audit_log

    svc.create_user(db.engine, username="anna2", password=PW, role="viewer", actor="t")
    other = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None) if db.backend == "sqlite" else None
    if other is not None:
        other.execute("BEGIN IMMEDIATE")   # a long import in another process holds the write lock
    try:
        started = time.monotonic()
        user = svc.authenticate(db.engine, username="anna2", password=PW, max_failures=3, lockout_seconds=60)
        assert user.username == "anna2" and time.monotonic() - started < 3
    finally:
        if other is not None:
            other.execute("ROLLBACK")
            other.close()
    drain_spool(db.engine)
    with db.engine.connect() as conn:
        logins = conn.execute(select(audit_log.c.actor).where(audit_log.c.action == "login")).scalars().all()
    assert logins.count("anna2") == 1
