"""Pages and API through the ASGI app: sign-in, CSRF, headers, roles, sensitivity, edits, import."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from kartoteka.services.users import get_user
from kartoteka.web import pages
from tests.web.conftest import PASSWORD, XSS, Web, csrf


def test_pages_need_sign_in_and_api_needs_credentials(web: Web) -> None:
    anon = web.client(None)
    r = anon.get("/persons/P1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert anon.get("/api/persons").status_code == 401
    assert anon.get("/api/persons", headers={"Authorization": "Bearer kt_forged"}).status_code == 401


def test_session_cookie_and_security_headers(web: Web) -> None:
    c = web.client(None)
    r = c.get("/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_every_post_form_rejects_a_missing_csrf_token(web: Web) -> None:
    c = web.client("admin")
    posts = [r.path for router in pages.routers() for r in router.routes
             if isinstance(r, APIRoute) and "POST" in r.methods]
    assert "/login" in posts and "/persons/{ref}/edit" in posts
    for path in posts:
        url = path.replace("{ref}", "P1").replace("{username}", "viewer").replace("{token_id}", "1")
        url = url.replace("{run_id}", "1").replace("{row_id}", "1").replace("{assessment_id}", "1")
        assert c.post(url, data={"x": "1"}).status_code == 403, url
    # the JSON API with a session cookie needs the header too
    assert c.patch("/api/persons/P1", json={"version": 1, "primary_name": "X"}).status_code == 403


def test_sign_in_lockout_after_failures(web: Web) -> None:
    c = web.client(None)
    for _ in range(3):
        r = c.post("/login", data={"username": "editor", "password": "wrong-password", "csrf_token": csrf(c.get("/login").text)})
        assert r.status_code == 401
    r = c.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": csrf(c.get("/login").text)})
    assert r.status_code == 401 and "Wrong username or password" in r.text   # the same answer as any failure
    assert get_user(web.db.engine, username="editor").locked_until is not None


def test_xss_in_a_name_is_escaped(web: Web) -> None:
    html = web.client("viewer").get("/persons/P4").text
    assert XSS not in html
    assert "&lt;script&gt;" in html


def test_viewer_never_sees_confidential_records(web: Web) -> None:
    viewer = web.client("viewer")
    assert viewer.get("/persons/P3").status_code == 404
    token = viewer.post("/account/tokens", data={"name": "t", "csrf_token": csrf(viewer.get("/account").text)})
    bearer = {"Authorization": "Bearer " + token.text.split('class="token">')[1].split("<")[0]}
    assert viewer.get("/api/persons/P3", headers=bearer).status_code == 404
    listed = {p["ext_id"] for p in viewer.get("/api/persons?limit=200", headers=bearer).json()}
    assert listed == {"P1", "P2", "P4"}
    # P2 is internal but their only case is confidential: the case is hidden, the person is not
    p2 = viewer.get("/api/persons/P2", headers=bearer).json()
    assert p2["cases"] == [] and p2["flags"] == []     # its terrorism charge is in the hidden case
    found = viewer.get("/api/persons?region=Kherson", headers=bearer).json()
    assert [(p["ext_id"], p["flags"], p["articles"]) for p in found] == [("P2", [], [])]
    assert "terrorism" not in viewer.get("/persons/P2").text
    editor = web.client("editor")
    assert "terrorism" in editor.get("/persons/P2").text
    assert "СИЗО-1" not in viewer.get("/persons?searched=1&facility=СИЗО").text
    assert viewer.get("/api/dashboard", headers=bearer).json()["total"] == 3


def test_reading_a_confidential_record_is_audited(web: Web) -> None:
    editor = web.client("editor")
    assert "Секретная" in editor.get("/persons/P3").text
    admin = web.client("admin")
    reads = admin.get("/api/audit?action=read", headers={"x-csrf-token": "unused"}).json()
    assert any(r["actor"] == "editor" and r["entity_type"] == "person" for r in reads)


def test_edit_conflict_is_shown(web: Web) -> None:
    a, b = web.client("editor"), web.client("admin")
    form_a, form_b = a.get("/persons/P1/edit").text, b.get("/persons/P1/edit").text
    base = {"version": "1", "primary_name": "Иванов Иван Иванович", "sensitivity": "public", "birth_date": "1980-05-01"}
    r = b.post("/persons/P1/edit", data={**base, "region": "Moscow", "csrf_token": csrf(form_b)}, follow_redirects=False)
    assert r.status_code == 303
    r = a.post("/persons/P1/edit", data={**base, "region": "Tula", "csrf_token": csrf(form_a)})
    assert r.status_code == 409 and "Someone else changed this record" in r.text
    assert "Moscow" in a.get("/persons/P1").text


def test_edit_validation_lists_bad_fields(web: Web) -> None:
    c = web.client("editor")
    form = c.get("/persons/P1/edit").text
    r = c.post("/persons/P1/edit", data={"version": "1", "primary_name": "X", "birth_date": "31.31.2020",
                                         "sensitivity": "secret", "csrf_token": csrf(form)})
    assert r.status_code == 422 and r.text.count('aria-invalid="true"') == 1 and "field-error" in r.text


def test_viewer_cannot_edit_or_administer(web: Web) -> None:
    v = web.client("viewer")
    assert v.get("/persons/P1/edit").status_code == 403
    assert v.get("/users").status_code == 403
    assert v.get("/audit").status_code == 403


def test_api_edit_with_token_and_stale_version(web: Web) -> None:
    admin = web.client("admin")
    page = admin.post("/account/tokens", data={"name": "script", "csrf_token": csrf(admin.get("/account").text)})
    token = page.text.split('class="token">')[1].split("<")[0]
    api = web.client(None)
    h = {"Authorization": f"Bearer {token}"}
    body = {"version": 1, "primary_name": "Oleksandr Kovalenko", "region": "Kyiv", "sensitivity": "internal"}
    assert api.patch("/api/persons/P2", json=body, headers=h).json() == {"version": 2}
    assert api.patch("/api/persons/P2", json=body, headers=h).status_code == 409
    history = api.get("/api/persons/P2/history", headers=h).json()
    assert any(e["field"] == "region" and e["after"] == "Kyiv" for e in history)


def test_import_upload_preview_dry_run_commit(web: Web) -> None:
    c = web.client("editor")
    data = "ID;ФИО;Дата рождения\nP9;Новиков Пётр;1999\n".encode("cp1251")
    r = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
               files={"file": ("new.csv", data, "text/csv")})
    assert r.status_code == 200 and "Дата рождения" in r.text
    token = r.text.split('name="token" value="')[1].split('"')[0]
    form = {"kind": "persons", "token": token, "csrf_token": csrf(r.text),
            "header": ["ID", "ФИО", "Дата рождения"], "field": ["id", "name", "birth_date"]}
    r = c.post("/import/run", data={**form, "action": "dry_run"})
    assert "nothing was written" in r.text
    assert c.get("/persons/P9").status_code == 404
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert "Imported." in r.text
    assert "Новиков" in c.get("/persons/P9").text


def test_language_switch_is_remembered_per_user(web: Web) -> None:
    c = web.client("viewer")
    r = c.post("/language", data={"lang": "uk", "next": "/", "csrf_token": csrf(c.get("/").text)})
    assert "Огляд" in r.text
    again = web.client("viewer")
    assert "Огляд" in again.get("/").text
    r = again.post("/language", data={"lang": "ru", "next": "/persons", "csrf_token": csrf(again.get("/").text)})
    assert "Поиск персон" in r.text


def test_users_page_adds_and_disables(web: Web) -> None:
    admin = web.client("admin")
    r = admin.post("/users", data={"username": "newbie", "password": "long enough pw", "role": "viewer",
                                    "csrf_token": csrf(admin.get("/users").text)})
    assert r.status_code == 200 and "newbie" in r.text
    r = admin.post("/users/newbie", data={"role": "viewer", "csrf_token": csrf(r.text)})
    c = web.client(None)
    r = c.post("/login", data={"username": "newbie", "password": "long enough pw", "csrf_token": csrf(c.get("/login").text)})
    assert r.status_code == 401


def test_dashboard_draws_svg_charts(web: Web) -> None:
    html = web.client("admin").get("/").text
    assert html.count("<svg") == 4 and "280.3" in html


def test_the_dashboard_says_when_its_figures_are_being_computed(web: Web, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """After a change the page shows the last figures and says when they were computed, in the reader's language;
    a large registry's first look says its figures are being computed (services/dashboard.py)."""
    from kartoteka.services import background, dashboard as board
    from kartoteka.services.access import Principal
    from kartoteka.services.person_create import NewPerson, create_person

    admin = web.client("admin")
    assert "figures-state" not in admin.get("/").text
    go = threading.Event()
    compute = board._compute
    monkeypatch.setattr(board, "_compute", lambda e, p: go.wait(30) and compute(e, p))
    create_person(web.db.engine, Principal("admin", "admin"), NewPerson("Ганна Йосипівна Кравець-Мельник"),
                  media_dir=tmp_path / "media")
    page = admin.get("/").text
    assert "being computed again" in page and "UTC" in page and page.count("<svg") == 4   # the last figures
    admin.post("/language", data={"lang": "uk", "csrf_token": csrf(page)})
    assert "обчислюють знову" in admin.get("/").text
    admin.post("/language", data={"lang": "ru", "csrf_token": csrf(page)})
    assert "вычисляют заново" in admin.get("/").text
    go.set()
    assert background.wait_idle(30)
    admin.get("/")   # (the language, a change to the account, came after that computation began: once more)
    assert background.wait_idle(30)
    assert "figures-state" not in admin.get("/").text
    board._CACHE._values.clear()
    monkeypatch.setattr(board, "NOW_MAX", 0)
    go.clear()
    page = admin.get("/").text
    assert "большого реестра сейчас вычисляются" in page and "<svg" not in page
    assert admin.get("/api/dashboard").json()["computing"] is True
    go.set()
    assert background.wait_idle(30)
    figures = admin.get("/api/dashboard").json()
    assert figures["current"] is True and figures["total"] == 5 and figures["as_of"].endswith("Z")


def test_plain_http_away_from_localhost_asks_for_https(web: Web) -> None:
    from starlette.testclient import TestClient

    page = TestClient(web.app, base_url="http://kartoteka.example.org").get("/login")
    assert "needs HTTPS" in page.text and "secure" in page.headers["set-cookie"].lower()
    local = TestClient(web.app, base_url="http://127.0.0.1:8000").get("/login")
    assert "needs HTTPS" not in local.text and "secure" not in local.headers["set-cookie"].lower()


def test_signing_out_or_a_new_password_ends_every_session(web: Web) -> None:
    from kartoteka.services.users import update_user

    first, second = web.client("editor"), web.client("editor")
    stolen = dict(first.cookies)
    first.post("/logout", data={"csrf_token": csrf(first.get("/").text)})
    assert second.get("/", follow_redirects=False).status_code == 303       # the other browser too
    replay = web.client(None)
    replay.cookies.update(stolen)
    assert replay.get("/", follow_redirects=False).status_code == 303       # a copied cookie is dead
    third = web.client("editor")
    update_user(web.db.engine, username="editor", actor="admin", password="another long one")
    assert third.get("/", follow_redirects=False).status_code == 303


def test_unticking_transliteration_turns_it_off(web: Web) -> None:
    viewer = web.client("viewer")
    assert "Oleksandr Kovalenko" in viewer.get("/persons?searched=1&q=Коваленко&translit=on").text
    page = viewer.get("/persons?searched=1&q=Коваленко").text
    assert "Oleksandr Kovalenko" not in page and 'name="translit" value="on" checked' not in page


def test_errors_name_the_record_kind_in_the_readers_language(web: Web) -> None:
    from kartoteka.services.users import update_user

    update_user(web.db.engine, username="editor", actor="test", language="uk")
    c = web.client("editor")
    missing = c.get("/api/persons/P404")
    assert missing.status_code == 404 and missing.json()["message"] == "не знайдено: особа «P404»"
    assert missing.json()["detail"] == "no person 'P404'"
    version = c.get("/api/persons/P1").json()["person"]["version"]
    token = csrf(c.get("/persons/P1/edit").text)
    first = c.patch("/api/persons/P1", json={"version": version, "region": "Тверь"}, headers={"x-csrf-token": token})
    stale = c.patch("/api/persons/P1", json={"version": version, "region": "Омск"}, headers={"x-csrf-token": token})
    assert first.status_code == 200 and stale.status_code == 409
    assert stale.json()["message"].startswith("особу P1 змінив") and "person" not in stale.json()["message"]
