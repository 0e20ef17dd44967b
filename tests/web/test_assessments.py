"""The assessment workflow through the API and the review queue page."""

from __future__ import annotations

from tests.web.conftest import Web, csrf


def test_review_queue_with_second_person_approval(web: Web) -> None:
    editor, reviewer = web.client("editor"), web.client("reviewer")
    h = {"x-csrf-token": csrf(editor.get("/").text)}
    aid = editor.post("/api/assessments", json={"person": "P1", "definition_id": "guidelines-2013"}, headers=h).json()["id"]
    r = editor.post(f"/api/assessments/{aid}/findings", headers=h,
                    json={"criterion_id": "1a", "finding": "unclear", "note": "needs the verdict"})
    assert r.status_code == 200, r.text
    assert editor.post(f"/api/assessments/{aid}/submit", json={"decision": "under_review"}, headers=h).status_code == 204
    # the author may not approve their own work
    assert editor.post(f"/api/assessments/{aid}/approve", json={}, headers=h).status_code == 403
    page = reviewer.get("/assessments/queue").text
    assert f'href="/assessments/{aid}"' in page
    detail = reviewer.get(f"/assessments/{aid}").text
    r = reviewer.post(f"/assessments/{aid}/decide", data={"action": "approve", "csrf_token": csrf(detail)},
                      follow_redirects=False)
    assert r.status_code == 303
    assert f'href="/assessments/{aid}"' not in reviewer.get("/assessments/queue").text
    got = reviewer.get(f"/api/assessments/{aid}", headers={"x-csrf-token": "x"}).json()
    assert got["assessment"]["state"] == "decided" and got["assessment"]["reviewer"] == "reviewer"


def test_viewer_cannot_see_assessments_of_confidential_persons(web: Web) -> None:
    editor = web.client("editor")
    h = {"x-csrf-token": csrf(editor.get("/").text)}
    aid = editor.post("/api/assessments", json={"person": "P3", "definition_id": "guidelines-2013"}, headers=h).json()["id"]
    viewer = web.client("viewer")
    assert viewer.get(f"/assessments/{aid}").status_code == 404
    assert all(r["person_ext_id"] != "P3" for r in viewer.get("/api/assessments").json())


def test_confidential_sources_of_an_assessment_are_hidden_from_viewers(web: Web) -> None:
    from sqlalchemy import update

    from kartoteka.db.tables import sources

    editor = web.client("editor")
    h = {"x-csrf-token": csrf(editor.get("/").text)}
    aid = editor.post("/api/assessments", json={"person": "P1", "definition_id": "guidelines-2013"}, headers=h).json()["id"]
    editor.post(f"/api/assessments/{aid}/findings", headers=h, json={
        "criterion_id": "1a", "finding": "met", "source_url": "https://example.org/informant", "source_title": "Informant"})
    with web.db.engine.begin() as conn:
        conn.execute(update(sources).values(sensitivity="confidential"))
    assert "Informant" in editor.get(f"/assessments/{aid}").text
    viewer = web.client("viewer")
    page = viewer.get(f"/assessments/{aid}")
    assert page.status_code == 200 and "Informant" not in page.text and "1a" in page.text


def test_draft_to_submitted_through_the_pages(web: Web) -> None:
    editor = web.client("editor")
    person = editor.get("/persons/P1").text
    r = editor.post("/assessments", data={"person": "P1", "definition_id": "guidelines-2013",
                                          "csrf_token": csrf(person)}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    page = editor.get(url).text
    assert "Record a finding" in page
    r = editor.post(f"{url}/findings", data={"criterion_id": "1a", "finding": "met", "csrf_token": csrf(page)})
    assert r.status_code == 422 and "source" in r.text           # 'met' needs a source: shown, not a crash
    r = editor.post(f"{url}/findings", data={"criterion_id": "1a", "finding": "unclear", "csrf_token": csrf(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    r = editor.post(f"{url}/submit", data={"decision": "under_review", "csrf_token": csrf(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert f'href="{url}"' in web.client("reviewer").get("/assessments/queue").text
