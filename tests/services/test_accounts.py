"""Accounts (issue 10): password strength, usernames, the last administrator, sessions and tokens that
end for good, sign-in failures that all look alike, self-service password change, TOTP with recovery
codes and the per-role requirement."""

from __future__ import annotations

import statistics
import time

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kartoteka.db.tables import audit_log
from kartoteka.errors import Conflict, Forbidden, InvalidInput
from kartoteka.services import totp
from kartoteka.services import users as svc
from tests.conftest import Db

PW = "vivid otter lamp 31"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svc, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _auth(db: Db, name: str = "anna", password: str = PW) -> svc.User:
    return svc.authenticate(db.engine, username=name, password=password, max_failures=3, lockout_seconds=60)


def _actions(db: Db) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars())


@pytest.mark.parametrize("password", ["password12", "password1234", "qwertyuiop12", "anna-anna-anna-1",
                                      "Kartoteka2026!", "short"])
def test_weak_common_and_user_derived_passwords_are_refused(db: Db, password: str) -> None:
    with pytest.raises(InvalidInput):
        svc.create_user(db.engine, username="anna", password=password, role="viewer", actor="t")


def test_a_password_equal_to_the_username_is_refused(db: Db) -> None:
    with pytest.raises(InvalidInput, match="username"):
        svc.create_user(db.engine, username="maximilian1234", password="maximilian1234", role="viewer", actor="t")


@pytest.mark.parametrize("name", ["an\u202ena", "ad\u2066min", "a\u200bb", "tab\tname", "new\nline", "two words"])
def test_usernames_refuse_control_bidi_and_space_characters(db: Db, name: str) -> None:
    with pytest.raises(InvalidInput):
        svc.create_user(db.engine, username=name, password=PW, role="viewer", actor="t")


def test_the_last_admin_cannot_be_demoted_or_disabled(db: Db) -> None:
    svc.create_user(db.engine, username="root", password=PW, role="admin", actor="t")
    with pytest.raises(Conflict):
        svc.update_user(db.engine, username="root", actor="t", role="editor")
    with pytest.raises(Conflict):
        svc.update_user(db.engine, username="root", actor="t", active=False)
    svc.create_user(db.engine, username="second", password=PW, role="admin", actor="t")
    svc.update_user(db.engine, username="root", actor="t", role="editor")   # another admin remains
    with pytest.raises(Conflict):
        svc.update_user(db.engine, username="second", actor="t", active=False)


def test_disabling_ends_tokens_for_good(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    token = svc.create_token(db.engine, username="anna", name="s", actor="t")
    before = svc.get_user(db.engine, username="anna").session_version
    svc.update_user(db.engine, username="anna", actor="t", active=False)
    svc.update_user(db.engine, username="anna", actor="t", active=True)
    assert svc.user_for_token(db.engine, token) is None                       # re-enabling revives nothing
    assert svc.get_user(db.engine, username="anna").session_version > before  # old cookies stay dead


def test_an_admin_password_reset_revokes_tokens(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    token = svc.create_token(db.engine, username="anna", name="s", actor="t")
    svc.update_user(db.engine, username="anna", actor="admin", password="brisk heron canal 77")
    assert svc.user_for_token(db.engine, token) is None


def test_every_failure_gets_one_answer_and_attempts_on_a_locked_account_are_audited(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")
    messages = set()
    for name, pw in [("nobody", PW), ("anna", "wrong one here"), ("anna", "wrong one here"),
                     ("anna", "wrong one here"), ("anna", PW)]:
        with pytest.raises(Forbidden) as exc:
            _auth(db, name, pw)
        messages.add(str(exc.value))
    assert len(messages) == 1
    actions = _actions(db)
    assert actions.count("login_failed") == 4 and actions[-1] == "login_locked"


def test_a_stranger_cannot_lock_an_account_for_long(db: Db) -> None:
    """Attempts during a lockout do not extend it."""
    svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")
    for _ in range(3):
        with pytest.raises(Forbidden):
            _auth(db, password="wrong one here")
    until = svc.get_user(db.engine, username="anna").locked_until
    for _ in range(5):
        with pytest.raises(Forbidden):
            _auth(db, password="wrong one here")
    assert svc.get_user(db.engine, username="anna").locked_until == until


def test_unknown_and_known_users_take_similar_time(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svc, "_HASHER", PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1))
    svc.create_user(db.engine, username="anna", password=PW, role="viewer", actor="t")

    def once(name: str) -> float:
        start = time.perf_counter()
        with pytest.raises(Forbidden):
            svc.authenticate(db.engine, username=name, password="wrong one here", max_failures=1000,
                             lockout_seconds=60)
        return time.perf_counter() - start

    # taken in turns, so that a busy machine (other tests, a benchmark) slows both alike
    pairs = [(once("nobody"), once("anna")) for _ in range(9)]
    unknown, known = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    assert 0.5 < unknown / known < 2.0, (unknown, known)


def test_users_change_their_own_password(db: Db) -> None:
    svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    token = svc.create_token(db.engine, username="anna", name="s", actor="t")
    with pytest.raises(Forbidden):
        svc.change_own_password(db.engine, username="anna", current="not my password", new="brisk heron canal 77")
    with pytest.raises(InvalidInput):
        svc.change_own_password(db.engine, username="anna", current=PW, new="password1234")
    svc.change_own_password(db.engine, username="anna", current=PW, new="brisk heron canal 77")
    assert _auth(db, password="brisk heron canal 77").username == "anna"
    assert svc.user_for_token(db.engine, token) is None


def test_totp_enrolment_sign_in_replay_and_recovery_codes(db: Db) -> None:
    user = svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    secret = totp.start_enrolment(db.engine, username="anna")
    with pytest.raises(InvalidInput):
        totp.confirm_enrolment(db.engine, username="anna", code="000000")
    now_code = pyotp.TOTP(secret).now()
    codes = totp.confirm_enrolment(db.engine, username="anna", code=now_code)
    assert len(codes) == 10 and svc.get_user(db.engine, username="anna").totp_enabled

    def second(code: str) -> svc.User:
        return totp.verify_second_factor(db.engine, user_id=user.id, code=code, max_failures=5, lockout_seconds=60)

    with pytest.raises(Forbidden):
        second(now_code)                      # the code used at enrolment cannot be replayed
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    assert second(next_code).username == "anna"
    with pytest.raises(Forbidden):
        second(next_code)                     # nor any code twice
    assert second(codes[0].upper()).username == "anna"
    with pytest.raises(Forbidden):
        second(codes[0])                      # a recovery code works once
    with db.engine.connect() as conn:
        stored = str(conn.execute(select(svc.users.c.recovery_codes)).scalar_one())
    assert codes[1] not in stored             # only hashes are kept


def test_a_role_can_require_totp(db: Db) -> None:
    user = svc.create_user(db.engine, username="anna", password=PW, role="editor", actor="t")
    assert not totp.must_enrol(db.engine, user)
    totp.set_role_policy(db.engine, role="editor", require_totp=True, actor="admin")
    assert totp.must_enrol(db.engine, user)
    assert not totp.must_enrol(db.engine, svc.create_user(db.engine, username="v", password=PW, role="viewer",
                                                          actor="t"))
