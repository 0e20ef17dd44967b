"""Custody and recognitions files in the web import and POST /api/imports: the same preview, dry run and
all-or-nothing import; recognitions only for reviewers and administrators. Invented people only."""

from __future__ import annotations

from tests.web.conftest import Web, csrf
from tests.web.test_import_registry import _upload

CUSTODY = "person_id,held_by,custody,place,since\nP1,RU,serving_sentence,IK-2,2022-05-01\nP3,RU,pretrial,,2023-01-02\n"
RECOGNITIONS = "person_id,organisation,statement,date\nP1,Memorial,https://example.org/m/p1,2024-05-05\n"


def test_custody_file_through_the_web_import(web: Web) -> None:
    c = web.client("editor")
    assert 'value="custody"' in c.get("/import").text
    page, form = _upload(c, CUSTODY, kind="custody")
    assert "held_by" in page and "serving_sentence" in page                # columns and sample rows
    r = c.post("/import/run", data={**form, "action": "dry_run"})
    assert r.status_code == 200 and "nothing was written" in r.text
    assert "IK-2" not in c.get("/persons/P1/custody").text
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert "Imported." in r.text
    assert "IK-2" in c.get("/persons/P1/custody").text
    _, form = _upload(c, "person_id,held_by,custody\nP1,RU,teleported\n", kind="custody")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "teleported" in r.text


def test_recognitions_are_for_reviewers_only_on_the_page_and_the_api(web: Web) -> None:
    editor = web.client("editor")
    r = editor.post("/import/preview", data={"kind": "recognitions", "csrf_token": csrf(editor.get("/import").text)},
                    files={"file": ("r.csv", RECOGNITIONS.encode(), "text/csv")})
    assert r.status_code == 403
    token = csrf(editor.get("/import").text)
    r = editor.post("/api/imports", data={"kind": "recognitions"}, headers={"x-csrf-token": token},
                    files={"file": ("r.csv", RECOGNITIONS.encode(), "text/csv")})
    assert r.status_code == 403
    reviewer = web.client("reviewer")
    _, form = _upload(reviewer, RECOGNITIONS, kind="recognitions")
    assert "Imported." in reviewer.post("/import/run", data={**form, "action": "commit"}).text
    assert "Memorial" in reviewer.get("/persons/P1/custody").text
    token = csrf(reviewer.get("/import").text)
    r = reviewer.post("/api/imports", data={"kind": "recognitions"}, headers={"x-csrf-token": token},
                      files={"file": ("r.csv", RECOGNITIONS.encode(), "text/csv")})
    assert r.status_code == 200 and r.json()["unchanged"] == 1, r.text
    r = reviewer.post("/api/imports", data={"kind": "custody", "dry_run": "true"}, headers={"x-csrf-token": token},
                      files={"file": ("c.csv", CUSTODY.encode(), "text/csv")})
    assert r.status_code == 200 and r.json()["created"] == 2 and r.json()["dry_run"] is True


def test_custody_categories_are_reported_in_the_users_language(web: Web) -> None:
    c = web.client("editor")
    c.post("/language", data={"lang": "uk", "csrf_token": csrf(c.get("/").text)})
    _, form = _upload(c, "person_id,held_by,custody,category\nP3,RU,pretrial,civilian_detainee\n", kind="custody")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 200, r.text
    assert "записано категорій: 1" in r.text and "categories recorded" not in r.text
