"""The web import of another organisation's decisions: reviewers only, the organisation from a column or
the form, and pages that say whose decision it is and who imported it (uk, ru)."""

from __future__ import annotations

import re

from sqlalchemy import update

from kartoteka.db.tables import users
from tests.web.conftest import Web, csrf

DECIDED = "person_id,definition,decision,decided_on,statement\nP1,guidelines-2013,recognised,2024-03-01,https://example.org/s/1\n"


def _upload(c: object, text: str) -> dict[str, object]:
    r = c.post("/import/preview", data={"kind": "assessments", "csrf_token": csrf(c.get("/import").text)},  # type: ignore[attr-defined]
               files={"file": ("a.csv", text.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    assert 'name="source"' in r.text                       # the form asks whose decisions these are
    token = r.text.split('name="token" value="')[1].split('"')[0]
    return {"kind": "assessments", "token": token, "csrf_token": csrf(r.text)}


def test_an_editor_cannot_import_decisions_on_the_page(web: Web) -> None:
    c = web.client("editor")
    r = c.post("/import/preview", data={"kind": "assessments", "csrf_token": csrf(c.get("/import").text)},
               files={"file": ("a.csv", DECIDED.encode(), "text/csv")})
    assert r.status_code == 403 and "only a reviewer or an administrator" in r.text   # refused at upload
    r = c.post("/import/run", data={"kind": "assessments", "token": "x", "action": "commit",
                                    "source": "Demo Rights Group", "csrf_token": csrf(c.get("/import").text)})
    assert r.status_code in (403, 404)
    assert web.client("admin").get("/api/persons/P1").json()["assessments"] == []


def test_a_reviewer_imports_an_organisations_decision_and_the_pages_say_whose(web: Web) -> None:
    c = web.client("reviewer")
    form = _upload(c, DECIDED)
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "organisation" in r.text and "--source" in r.text   # no organisation named
    r = c.post("/import/run", data={**form, "action": "commit", "source": "Demo <b>Rights</b> Group"})
    assert r.status_code == 200 and "Imported." in r.text
    person = c.get("/persons/P1").text
    assert "decided by Demo &lt;b&gt;Rights&lt;/b&gt; Group (imported by reviewer)" in person
    aid = re.findall(r'href="/assessments/(\d+)"', person)[0]
    page = c.get(f"/assessments/{aid}").text
    assert "decided by Demo &lt;b&gt;Rights&lt;/b&gt; Group (imported by reviewer)" in page
    assert 'href="https://example.org/s/1"' in page and "<b>Rights" not in page
    with web.db.engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "viewer").values(language="uk"))
    uk = web.client("viewer").get(f"/assessments/{aid}").text
    assert "рішення Demo &lt;b&gt;Rights&lt;/b&gt; Group (імпортував reviewer)" in uk and "Заява" in uk
