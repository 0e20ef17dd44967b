"""Custody in the web UI and API: the person page shows it, editors record it, reviewers record
recognitions, the vetting form takes --held-by, the run page pages the missing list, downloads come
in the user's language, and the round summary page lists each side."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import update

from kartoteka.db.tables import users
from kartoteka.services.custody import record_custody, set_category
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.vetting import vet_list
from tests.web.conftest import Web, csrf, finished_run


def test_person_page_shows_custody_and_editors_record_it(web: Web) -> None:
    c = web.client("editor")
    page = c.get("/persons/P1/custody")
    r = c.post("/persons/P1/custody", data={"held_by": "RU", "state": "serving_sentence", "place": "IK-2",
                                            "since": "2022-03", "csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    bad = c.post("/persons/P1/custody", data={"held_by": "RU", "state": "on holiday", "csrf_token": csrf(page.text)})
    assert bad.status_code == 422 and "custody state" in bad.text
    shown = c.get("/persons/P1").text
    assert "serving a sentence" in shown and "IK-2" in shown
    # a recognition needs a reviewer
    rec = {"organisation": "Memorial", "statement": "https://example.org/m/p1", "stated_on": "2024-03-01",
           "csrf_token": csrf(page.text)}
    assert c.post("/persons/P1/recognitions", data=rec).status_code == 403
    rc = web.client("reviewer")
    rec["csrf_token"] = csrf(rc.get("/persons/P1/custody").text)
    assert rc.post("/persons/P1/recognitions", data=rec, follow_redirects=False).status_code == 303
    assert "Memorial (2024-03-01)" in rc.get("/persons/P1").text


def test_api_custody_round_trip(web: Web) -> None:
    c = web.client("editor")
    token = csrf(c.get("/persons/P1/custody").text)
    headers = {"x-csrf-token": token}
    r = c.post("/api/persons/P1/custody", json={"held_by": "OCC:Zaporizhzhia", "state": "held_without_charge"},
               headers=headers)
    assert r.status_code == 201, r.text
    assert c.post("/api/persons/P1/category", json={"category": "civilian_detainee"}, headers=headers).status_code == 201
    got = c.get("/api/persons/P1/custody").json()
    assert got["history"][0]["held_by"] == "OCC:Zaporizhzhia" and got["categories"][0]["category"] == "civilian_detainee"
    assert c.post("/api/persons/P1/recognitions", json={"organisation": "X", "statement": "u", "stated_on": "2024"},
                  headers=headers).status_code == 403
    assert web.client("viewer").post("/api/persons/P1/custody", json={"held_by": "RU", "state": "pretrial"},
                                     headers=headers).status_code in (403, 401)


def test_vetting_with_held_by_in_ukrainian(web: Web) -> None:
    engine = web.db.engine
    record_custody(engine, person="P1", held_by="RU", state="serving_sentence", actor="t")
    record_custody(engine, person="P2", held_by="RU", state="exchanged", actor="t")
    set_category(engine, person="P1", category="civilian_detainee", actor="t")
    listing = web.tmp / "l.csv"
    listing.write_text("name,birth_date,политзаключенный\nOleksandr Kovalenko,1975,да\nИванов Иван Иванович,1980-05-01,да\n",
                       "utf-8")
    report = vet_list(engine, path=listing, definition_id="guidelines-2013", actor="t", round="R9", side="UA",
                      held_by="RU")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "editor").values(language="uk"))
    c = web.client("editor")
    page = c.get(f"/vetting/runs/{report.run.id}").text
    assert "вже обміняний" in page and "цивільний затриманий" in page      # warnings and category in Ukrainian
    pdf = c.get(f"/vetting/runs/{report.run.id}/report.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Підсумок" in text and "вже обміняний" in text and "Summary" not in text
    summary = c.get("/vetting/rounds/R9")
    assert summary.status_code == 200 and "P2" in summary.text


def test_only_reviewers_import_decisions(web: Web) -> None:
    path = web.tmp / "a.csv"
    path.write_text("person_id,definition,decision,decided_on,reviewer,statement\n"
                    "P1,guidelines-2013,recognised,2024-01-01,x,https://example.org/s/1\n", "utf-8")
    for role, allowed in (("editor", False), ("reviewer", True)):
        c = web.client(role)
        token = csrf(c.get("/persons/P1/custody").text)
        with path.open("rb") as f:
            r = c.post("/api/imports", data={"kind": "assessments", "dry_run": "true", "source": "Demo Rights Group"},
                       files={"file": ("a.csv", f, "text/csv")}, headers={"x-csrf-token": token})
        assert r.status_code == (200 if allowed else 403), r.text


def test_vetting_form_takes_held_by_and_more_definitions(web: Web) -> None:

    from kartoteka.services.runs import get_run

    record_custody(web.db.engine, person="P1", held_by="RU", state="serving_sentence", actor="t")
    c = web.client("editor")
    page = c.get("/vetting").text
    assert 'name="held_by"' in page
    r = c.post("/vetting", data={"definition_id": "guidelines-2013", "held_by": "ru", "also": ["amnesty-poc"],
                                 "round": "R5", "side": "UA", "csrf_token": csrf(page)},
               files={"file": ("l.csv", "name\nИванов Иван Иванович\n".encode(), "text/csv")}, follow_redirects=False)
    run_id = finished_run(c, r.headers["location"])
    run = get_run(web.db.engine, run=run_id).run
    assert run.held_by == "RU" and run.definitions == ["guidelines-2013", "amnesty-poc"]
    assert "no_decided:amnesty-poc" in run.notices


def test_a_viewer_does_not_see_a_confidential_custody_source(web: Web) -> None:
    from kartoteka.db.tables import sources

    record_custody(web.db.engine, person="P1", held_by="RU", state="pretrial", actor="t",
                   source="https://example.org/secret-witness")
    with web.db.engine.begin() as conn:
        conn.execute(update(sources).where(sources.c.url == "https://example.org/secret-witness")
                     .values(sensitivity="confidential"))
    assert web.client("viewer").get("/api/persons/P1/custody").json()["history"][0]["source"] == ""
    assert "secret-witness" not in web.client("viewer").get("/persons/P1").text
    assert web.client("admin").get("/api/persons/P1/custody").json()["history"][0]["source"].endswith("secret-witness")


def test_the_run_page_pages_the_missing_list(web: Web) -> None:
    from kartoteka.services.imports import import_file

    people = "".join(f"M{i:03d},Пропущений{i} Тест,1970\n" for i in range(55))
    (web.tmp / "many.csv").write_text("id,name,birth_date\n" + people, "utf-8")
    import_file(web.db.engine, "persons", web.tmp / "many.csv", actor="t")
    decided = "".join(f"M{i:03d},guidelines-2013,recognised,2024-01-01,doc {i}\n" for i in range(55))
    (web.tmp / "a.csv").write_text("person_id,definition,decision,decided_on,statement\n" + decided, "utf-8")
    import_file(web.db.engine, "assessments", web.tmp / "a.csv", actor="t",
                options=SheetOptions(source="Demo Rights Group"))
    (web.tmp / "one.csv").write_text("name\nИванов Иван Иванович\n", "utf-8")
    report = vet_list(web.db.engine, path=web.tmp / "one.csv", definition_id="guidelines-2013", actor="t")
    c = web.client("admin")
    first = c.get(f"/vetting/runs/{report.run.id}").text
    assert first.count('href="/persons/M') == 50 and "missing_page=2" in first
    second = c.get(f"/vetting/runs/{report.run.id}?missing_page=2").text
    assert second.count('href="/persons/M') == 5 and "missing_page=1" in second


def test_api_vets_with_held_by_and_downloads_in_a_language(web: Web) -> None:
    record_custody(web.db.engine, person="P1", held_by="RU", state="exchanged", actor="t")
    c = web.client("editor")
    token = csrf(c.get("/persons/P1/custody").text)
    r = c.post("/api/vetting/runs", data={"definition_id": "guidelines-2013", "held_by": "RU",
                                          "definitions": ["amnesty-poc"]},
               files={"file": ("l.csv", "name\nИванов Иван Иванович\n".encode(), "text/csv")},
               headers={"x-csrf-token": token})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["held_by"] == "RU" and run["definitions"] == ["guidelines-2013", "amnesty-poc"]
    html = c.get(f"/api/vetting/runs/{run['id']}/report.html?lang=ru").text
    assert "уже обменян" in html and 'lang="ru"' in html
    rows = c.get(f"/api/vetting/runs/{run['id']}").json()["rows"]
    assert rows[0]["context"]["warnings"] == ["already_exchanged", "no_assessment"]


def test_a_source_given_for_a_confidential_person_is_held_as_closely(web: Web) -> None:
    """A source named in the custody form for a confidential person is confidential (it was made
    'internal'); a viewer sees nothing of it, and the form refuses an address that is not http(s)."""
    from sqlalchemy import select

    from kartoteka.db.tables import sources

    url = "https://example.org/synthetic-confidential-proof"
    c = web.client("admin")
    page = c.get("/persons/P3/custody")
    r = c.post("/persons/P3/custody", data={"held_by": "RU", "state": "pretrial", "source": url,
                                            "csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with web.db.engine.connect() as conn:
        held = conn.execute(select(sources.c.id, sources.c.sensitivity).where(sources.c.url == url)).one()
    assert held.sensitivity == "confidential"
    viewer = web.client("viewer")
    for path in ("/persons/P3", "/persons/P3/custody", "/api/persons/P3/custody", f"/sources/{held.id}/edit",
                 "/search/export.csv?q=Секретная"):
        assert "synthetic-confidential-proof" not in viewer.get(path).text, path
    bad = c.post("/persons/P1/custody", data={"held_by": "RU", "state": "pretrial", "source": "javascript:alert(1)",
                                              "csrf_token": csrf(page.text)})
    assert bad.status_code == 422 and "http://" in bad.text
    assert 'href="javascript:' not in c.get("/persons/P1").text
