"""Accounts and the audit log through the web (issue 10): no built-in secret, sign-in that does not
tell which accounts exist, password change, TOTP sign-in, per-role requirement, last admin, audit
page chain state, sign-out and downloads audited."""

from __future__ import annotations

import time

import pyotp
from itsdangerous import URLSafeTimedSerializer
import pytest
from sqlalchemy import select, update

from kartoteka.db.tables import audit_head, audit_log
from kartoteka.services import auditlog, background, totp
from kartoteka.services.users import get_user
from kartoteka.settings import DEFAULT_SECRET
from tests.web.conftest import PASSWORD, Web, csrf


def _actions(web: Web) -> list[tuple[str, str]]:
    with web.db.engine.connect() as conn:
        return [(r.actor, r.action) for r in conn.execute(select(audit_log.c.actor, audit_log.c.action)
                                                          .order_by(audit_log.c.id))]


def test_a_cookie_signed_with_the_old_default_secret_is_refused(web: Web) -> None:
    admin = get_user(web.db.engine, username="admin")
    forged = URLSafeTimedSerializer(DEFAULT_SECRET, salt="kartoteka-session").dumps(
        {"u": admin.id, "c": "x" * 43, "l": None, "v": admin.session_version})
    c = web.client(None)
    c.cookies.set("kt_session", forged)
    assert c.get("/api/me").status_code == 401
    assert c.get("/users", follow_redirects=False).status_code == 303   # to the sign-in page


def test_unknown_user_and_wrong_password_get_the_same_page(web: Web) -> None:
    c = web.client(None)
    pages = []
    for name in ("nobody-here", "editor"):
        r = c.post("/login", data={"username": name, "password": "not the password",
                                   "csrf_token": csrf(c.get("/login").text)})
        assert r.status_code == 401
        pages.append(r.text.replace(csrf(r.text), ""))
    assert pages[0] == pages[1]


def test_sign_out_is_audited(web: Web) -> None:
    c = web.client("editor")
    c.post("/logout", data={"csrf_token": csrf(c.get("/account").text)})
    assert ("editor", "logout") in _actions(web)


def test_password_change_page(web: Web) -> None:
    c = web.client("editor")
    other = web.client("editor")
    tok = csrf(c.get("/account/password").text)
    r = c.post("/account/password", data={"current": PASSWORD, "new": "password1234", "confirm": "password1234",
                                          "csrf_token": tok})
    assert r.status_code == 422 and "too easy to guess" in r.text
    new = "brisk heron canal 77"
    r = c.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": tok})
    assert r.status_code == 200 and "Your password is changed" in r.text
    assert c.get("/api/me").status_code == 200            # this session continues
    assert other.get("/api/me").status_code == 401        # the other one ended


def test_password_change_api(web: Web) -> None:
    c = web.client("viewer")
    token = c.post("/api/me/tokens", json={"name": "t"}, headers={"x-csrf-token": csrf(c.get("/account").text)})
    bearer = {"authorization": f"Bearer {token.json()['token']}"}
    r = c.post("/api/me/password", json={"current": PASSWORD, "new": "brisk heron canal 77"}, headers=bearer)
    assert r.status_code == 200
    assert c.get("/api/me", headers=bearer).status_code == 401   # tokens end with the old password


def test_totp_sign_in_through_the_pages(web: Web) -> None:
    c = web.client("editor")
    page = c.get("/account/totp")
    assert "<svg" in page.text and "otpauth" not in page.text.split("<svg")[0][-50:]
    secret = totp.pending_secret(web.db.engine, username="editor")
    assert secret is not None and secret in page.text
    r = c.post("/account/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf(page.text)})
    assert r.status_code == 200 and "recovery-codes" in r.text
    c.post("/logout", data={"csrf_token": csrf(c.get("/account").text)})
    r = c.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": csrf(c.get("/login").text)},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login/code")
    assert c.get("/api/me").status_code == 401                   # not signed in before the code
    form = c.get("/login/code")
    r = c.post("/login/code", data={"code": "123456", "csrf_token": csrf(form.text)})
    assert r.status_code == 401
    r = c.post("/login/code", data={"code": pyotp.TOTP(secret).at(time.time() + 30),
                                    "csrf_token": csrf(form.text)}, follow_redirects=False)
    assert r.status_code == 303 and c.get("/api/me").json()["totp_enabled"] is True


def test_a_role_that_requires_totp_sends_its_users_to_enrol(web: Web) -> None:
    admin = web.client("admin")
    r = admin.post("/users-policy", data={"require_totp": ["reviewer"], "csrf_token": csrf(admin.get("/users").text)})
    assert r.status_code in (200, 303)
    reviewer = web.client("reviewer")
    r = reviewer.get("/persons", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/totp"
    assert reviewer.get("/api/me").status_code == 403
    assert reviewer.get("/account/totp").status_code == 200
    assert web.client("editor").get("/persons").status_code == 200


def test_the_last_admin_cannot_be_disabled_and_usernames_refuse_bidi(web: Web) -> None:
    admin = web.client("admin")
    tok = csrf(admin.get("/users").text)
    r = admin.patch("/api/users/admin", json={"role": "viewer"}, headers={"x-csrf-token": tok})
    assert r.status_code == 409
    r = admin.post("/api/users", json={"username": "ev\u202eil", "password": "brisk heron canal 77",
                                       "role": "viewer"}, headers={"x-csrf-token": tok})
    assert r.status_code == 422


def _walked_long_ago(web: Web) -> None:
    """The page's last whole walk of the chain made older than WALK_EVERY, its minute's cache dropped."""
    walked = auditlog._WALKED[str(web.db.engine.url)]
    walked.at -= auditlog.WALK_EVERY + 1
    auditlog._CHAIN_CACHE.clear()


def _walk_done(web: Web) -> None:
    assert background.wait_idle(30) and not auditlog.walking(web.db.engine)
    auditlog._CHAIN_CACHE.clear()


def test_audit_page_shows_the_chain_state(web: Web) -> None:
    """The first look walks the whole chain; later ones walk the entries written since, and the whole chain again
    in the background once that walk is older than WALK_EVERY: a change to an old entry shows after it."""
    auditlog._WALKED.clear()
    auditlog._CHAIN_CACHE.clear()
    admin = web.client("admin")
    page = admin.get("/audit").text
    assert "hash chain is intact" in page and "whole chain was last walked at" in page
    with web.db.engine.begin() as conn:
        first, actor = conn.execute(select(audit_log.c.id, audit_log.c.actor).order_by(audit_log.c.id).limit(1)).one()
        conn.execute(update(audit_log).where(audit_log.c.id == first).values(actor="mallory"))
    auditlog._CHAIN_CACHE.clear()   # the page checks the chain again at most once a minute
    assert "hash chain is intact" in admin.get("/audit").text   # (walked before: left to the next whole walk)
    _walked_long_ago(web)
    admin.get("/audit")              # starts the whole walk in the background
    _walk_done(web)
    page = admin.get("/audit").text
    assert "tampered" in page and f"#{first}" in page and "was changed after it was written" in page
    admin.post("/language", data={"lang": "uk", "csrf_token": csrf(page)})
    page = admin.get("/audit").text   # what is wrong, in the reader's language too
    assert f"запис №{first}" in page and "змінено після того" in page and "was changed" not in page
    with web.db.engine.begin() as conn:   # put back: the next whole walk finds the chain intact again
        conn.execute(update(audit_log).where(audit_log.c.id == first).values(actor=actor))
    assert "змінено після того" in admin.get("/audit").text
    _walked_long_ago(web)
    admin.get("/audit")
    _walk_done(web)
    page = admin.get("/audit").text
    assert "Увесь ланцюжок востаннє перевірено" in page and "змінено після того" not in page


def test_a_long_chain_s_first_walk_runs_in_the_background(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain longer than WALK_NOW_MAX entries (2.1 million at a million persons: 38 s) is first walked in the
    background: the page says so, claims nothing about the chain, and a later load shows what the walk found."""
    monkeypatch.setattr(auditlog, "WALK_NOW_MAX", 0)
    auditlog._WALKED.clear()
    auditlog._CHAIN_CACHE.clear()
    admin = web.client("admin")
    page = admin.get("/audit").text
    assert "being checked in the background" in page and "intact" not in page and "tampered" not in page
    assert background.wait_idle(30) and str(web.db.engine.url) in auditlog._WALKED
    page = admin.get("/audit").text
    assert "hash chain is intact" in page and "being checked" not in page
    admin.post("/language", data={"lang": "ru", "csrf_token": csrf(page)})
    auditlog._WALKED.clear()
    auditlog._CHAIN_CACHE.clear()
    assert "проверяется в фоне" in admin.get("/audit").text


def test_a_background_walk_that_fails_is_logged_and_tried_again(web: Web, monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The database goes away under a background walk (a restart, a dropped connection): the walk is logged, the
    page says nothing it did not check, and the next load starts a walk again."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr(auditlog, "WALK_NOW_MAX", 0)
    auditlog._WALKED.clear()
    auditlog._CHAIN_CACHE.clear()

    def gone(*_a: object, **_k: object) -> None:
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(auditlog, "verify_audit", gone)
    admin = web.client("admin")
    with caplog.at_level("WARNING", logger="kartoteka.services.background"):
        assert "being checked in the background" in admin.get("/audit").text
        assert background.wait_idle(30)
    assert "audit chain's walk" in caplog.text and "server closed the connection" in caplog.text
    assert str(web.db.engine.url) not in auditlog._WALKED
    monkeypatch.undo()
    monkeypatch.setattr(auditlog, "WALK_NOW_MAX", 0)
    assert "being checked in the background" in admin.get("/audit").text   # tried again
    assert background.wait_idle(30)
    assert "hash chain is intact" in admin.get("/audit").text


def test_audit_page_names_a_chain_written_again_at_once(web: Web) -> None:
    """A forger who changes an old entry and makes every later hash again leaves a chain that holds together: no
    walk from the start can tell. The entry the page's last walk ended at now has another hash: said at once."""
    from kartoteka.db.chain import entry_hash

    auditlog._WALKED.clear()
    auditlog._CHAIN_CACHE.clear()
    admin = web.client("admin")
    assert "hash chain is intact" in admin.get("/audit").text
    with web.db.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()]
        prev = "0" * 64
        for r in rows:
            if r["seq"] == 1:
                r["actor"] = "mallory"
            r["prev_hash"], r["hash"] = prev, entry_hash(prev, r)
            conn.execute(update(audit_log).where(audit_log.c.id == r["id"]).values(
                actor=r["actor"], prev_hash=r["prev_hash"], hash=r["hash"]))
            prev = r["hash"]
        conn.execute(update(audit_head).values(hash=prev))
    auditlog._CHAIN_CACHE.clear()
    page = admin.get("/audit").text
    assert "tampered" in page and "written again" in page, page


def test_report_downloads_are_audited_in_every_format(web: Web) -> None:
    editor = web.client("editor")
    tok = csrf(editor.get("/vetting").text)
    r = editor.post("/api/vetting/runs", data={"definition_id": "guidelines-2013"},
                    files={"file": ("l.csv", "name\nИванов Иван Иванович\n".encode())}, headers={"x-csrf-token": tok})
    assert r.status_code in (200, 201), r.text
    run_id = r.json()["run"]["id"] if "run" in r.json() else r.json()["id"]
    for fmt in ("html", "csv", "xlsx", "pdf"):
        assert editor.get(f"/api/vetting/runs/{run_id}/report.{fmt}").status_code == 200
    assert editor.get(f"/vetting/runs/{run_id}/report.csv").status_code == 200
    downloads = [a for a in _actions(web) if a == ("editor", "download")]
    assert len(downloads) == 5


def test_an_address_is_limited_by_its_failures_not_its_sign_ins(web: Web) -> None:
    c = web.client(None)
    for _ in range(12):     # successful sign-ins from one address never exhaust its budget
        assert web.client("viewer").get("/api/me").status_code == 200
    codes = [c.post("/login", data={"username": f"nobody{i}", "password": "not the password",
                                    "csrf_token": csrf(c.get("/login").text)}).status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
