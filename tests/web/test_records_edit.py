"""Case and source edit forms and PATCH /api/cases, /api/sources: roles, conflicts, validation."""

from __future__ import annotations

from sqlalchemy import insert

from kartoteka.db.audit import create_record
from kartoteka.db.tables import citations, sources
from kartoteka.services.persons import get_person
from kartoteka.services.users import create_token
from tests.web.conftest import Web, csrf


def case_id(web: Web, person: str) -> int:
    return int(get_person(web.db.engine, person).cases[0]["id"])


def add_source(web: Web, person: str = "P1", sensitivity: str = "internal") -> int:
    pid = get_person(web.db.engine, person).person["id"]
    with web.db.engine.begin() as conn:
        sid = create_record(conn, sources, "source", {"url": "https://example.org/r", "title": "Court record",
                                                      "sensitivity": sensitivity}, actor="test")
        conn.execute(insert(citations).values(source_id=sid, entity_type="person", entity_id=pid))
    return sid


def bearer(web: Web, user: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_token(web.db.engine, username=user, name="t", actor="test")}


def test_person_page_links_to_case_and_source_forms(web: Web) -> None:
    sid, cid = add_source(web), case_id(web, "P1")
    page = web.client("editor").get("/persons/P1").text
    assert f'href="/cases/{cid}/edit"' in page and f'href="/sources/{sid}/edit?person=P1"' in page
    viewer = web.client("viewer")
    assert "/edit" not in viewer.get("/persons/P1").text
    assert viewer.get(f"/cases/{cid}/edit").status_code == 403
    assert viewer.get(f"/sources/{sid}/edit").status_code == 403


def test_case_form_saves_and_reparses_charges(web: Web) -> None:
    c, cid = web.client("editor"), case_id(web, "P1")
    form = c.get(f"/cases/{cid}/edit").text
    assert 'value="ИК-2"' in form and "Someone else" not in form
    data = {"version": "1", "jurisdiction": "RU", "articles_text": "ст. 207.3 ч. 2 УК РФ", "detained_on": "2022-03-01",
            "facility": "ИК-7", "status": "convicted", "sensitivity": "public", "csrf_token": csrf(form)}
    r = c.post(f"/cases/{cid}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/persons/P1?saved=1"
    assert "ИК-7" in c.get("/persons/P1").text
    assert [ch["article"] for ch in get_person(web.db.engine, "P1").charges[cid]] == ["207.3"]


def test_stale_case_form_shows_the_conflict(web: Web) -> None:
    a, b, cid = web.client("editor"), web.client("admin"), case_id(web, "P1")
    form_a, form_b = a.get(f"/cases/{cid}/edit").text, b.get(f"/cases/{cid}/edit").text
    base = {"version": "1", "jurisdiction": "RU", "articles_text": "ч. 2 ст. 280.3 УК РФ", "sensitivity": "public"}
    assert b.post(f"/cases/{cid}/edit", data={**base, "court": "Суд А", "csrf_token": csrf(form_b)},
                  follow_redirects=False).status_code == 303
    r = a.post(f"/cases/{cid}/edit", data={**base, "court": "Суд Б", "csrf_token": csrf(form_a)})
    assert r.status_code == 409 and "Someone else changed this record" in r.text
    assert 'value="Суд Б"' in r.text                     # the typed values are kept
    assert f'href="/cases/{cid}/edit"' in r.text          # and the current version is one click away
    assert "Суд А" in a.get("/persons/P1").text


def test_case_form_marks_each_bad_field(web: Web) -> None:
    c, cid = web.client("editor"), case_id(web, "P1")
    form = c.get(f"/cases/{cid}/edit").text
    r = c.post(f"/cases/{cid}/edit", data={"version": "1", "detained_on": "2022-03-01", "verdict_on": "2020",
                                           "jurisdiction": "Россия", "sensitivity": "public",
                                           "csrf_token": csrf(form)})
    assert r.status_code == 422 and r.text.count('aria-invalid="true"') == 2
    assert 'id="e-verdict_on"' in r.text and 'id="e-jurisdiction"' in r.text
    assert c.post(f"/cases/{cid}/edit", data={"version": "1", "sensitivity": "public"}).status_code == 403  # no CSRF


def test_source_form_validates_and_returns_to_the_person(web: Web) -> None:
    c, sid = web.client("editor"), add_source(web)
    form = c.get(f"/sources/{sid}/edit?person=P1").text
    assert 'value="Court record"' in form
    bad = c.post(f"/sources/{sid}/edit?person=P1", data={"version": "1", "url": "javascript:alert(1)",
                                                         "title": "x", "sensitivity": "internal",
                                                         "csrf_token": csrf(form)})
    assert bad.status_code == 422 and 'id="e-url"' in bad.text
    ok = c.post(f"/sources/{sid}/edit?person=P1", data={"version": "1", "url": "https://example.org/new",
                                                        "title": "Приговор", "sensitivity": "internal",
                                                        "csrf_token": csrf(form)}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/persons/P1?saved=1"
    assert "Приговор" in c.get("/persons/P1").text
    assert "Saved." in c.get(f"/sources/{sid}/edit?saved=1").text
    c.post("/language", data={"lang": "uk", "next": "/", "csrf_token": csrf(form)})
    assert "Редагувати джерело" in c.get(f"/sources/{sid}/edit").text


def test_viewer_never_reaches_confidential_records_through_the_forms(web: Web) -> None:
    sid = add_source(web, "P1", "confidential")
    h = bearer(web, "viewer")
    api = web.client(None)
    assert api.patch(f"/api/cases/{case_id(web, 'P3')}", json={"version": 1, "court": "x"}, headers=h).status_code == 403
    assert api.patch(f"/api/sources/{sid}", json={"version": 1, "title": "x"}, headers=h).status_code == 403
    assert "Court record" not in web.client("viewer").get("/persons/P1").text


def test_api_patch_versions_conflicts_and_invalid_input(web: Web) -> None:
    h, api = bearer(web, "editor"), web.client(None)
    cid, sid = case_id(web, "P2"), add_source(web)
    assert api.patch(f"/api/cases/{cid}", json={"version": 1, "status": "convicted"}, headers=h).json() == {"version": 2}
    stale = api.patch(f"/api/cases/{cid}", json={"version": 1, "status": "released"}, headers=h)
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    bad = api.patch(f"/api/cases/{cid}", json={"version": 2, "detained_on": "2030-01-01", "sensitivity": "x"},
                    headers=h)
    assert bad.status_code == 422 and {e["column"] for e in bad.json()["errors"]} == {"detained_on", "sensitivity"}
    assert api.patch(f"/api/cases/{cid}", json={"version": 2, "colour": "red"}, headers=h).status_code == 422
    assert api.patch("/api/cases/999999", json={"version": 1}, headers=h).status_code == 404
    assert api.patch(f"/api/sources/{sid}", json={"version": 1, "publisher": "Медиазона"}, headers=h).json() == {"version": 2}
    history = api.get("/api/persons/P2/history", headers=h).json()
    assert any(e["entity_type"] == "case" and e["field"] == "status" and e["after"] == "convicted" for e in history)
    # with the session cookie the API needs the CSRF header too
    assert web.client("editor").patch(f"/api/sources/{sid}", json={"version": 2}).status_code == 403


def test_openapi_documents_the_edits() -> None:
    from kartoteka.settings import Settings
    from kartoteka.web.app import create_app
    from sqlalchemy import create_engine

    spec = create_app(Settings(), engine=create_engine("sqlite://")).openapi()
    for path in ("/api/cases/{case_id}", "/api/sources/{source_id}"):
        responses = spec["paths"][path]["patch"]["responses"]
        assert {"200", "409", "422"} <= set(responses)
    assert "get" in spec["paths"]["/api/duplicates"]
