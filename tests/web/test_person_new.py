"""Creating a person in the browser with a case, a source file (sha256 stored) and an event; names of a
kind and events added on the person page; a bad field keeps what was typed."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from kartoteka.db.tables import citations, sources
from tests.web.conftest import Web, csrf

FORM = {"name": "Грищенко Остап Васильович", "birth_date": "12.03.1985", "gender": "m", "sensitivity": "internal",
        "alias_kind": ["transliteration", "alias"], "alias_name": ["Hryshchenko Ostap", "Ostap"],
        "case_articles_text": "ч. 2 ст. 207.3 УК РФ", "case_jurisdiction": "RU", "case_detained_on": "березень 2022",
        "case_status": "detained", "source_title": "Приговор", "event_kind": "detained", "event_date": "2022-03"}


def test_new_person_with_case_source_file_and_event(web: Web) -> None:
    c = web.client("editor")
    page = c.get("/persons/new").text
    data = b"%PDF-1.4 synthetic verdict"
    r = c.post("/persons/new", data={**FORM, "csrf_token": csrf(page)},
               files={"source_file": ("verdict.pdf", data, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    ref = r.headers["location"].rsplit("/", 1)[1]
    person = c.get(f"/api/persons/{ref}").json()
    assert [(n["kind"], n["full"]) for n in person["names"]] == [
        ("primary", "Грищенко Остап Васильович"), ("transliteration", "Hryshchenko Ostap"), ("alias", "Ostap")]
    assert person["cases"][0]["detained_on"] == "2022-03" and person["cases"][0]["status"] == "detained"
    with web.db.engine.connect() as conn:
        src = conn.execute(select(sources.c.id, sources.c.sha256, sources.c.file_path)).one()
        assert src.sha256 == hashlib.sha256(data).hexdigest() and src.file_path.endswith(".pdf")
        cited = {r.entity_type for r in conn.execute(select(citations.c.entity_type).where(citations.c.source_id == src.id))}
    assert cited == {"person", "case"}
    text = c.get(f"/persons/{ref}").text
    assert "Приговор" in text and "2022-03" in text
    r = c.post(f"/persons/{ref}/names", data={"kind": "former", "full": "Грищенко-Лис Остап", "csrf_token": csrf(text)})
    r = c.post(f"/persons/{ref}/events", data={"kind": "convicted", "date": "2023-05-02", "note": "5 лет",
                                              "csrf_token": csrf(text)})
    person = c.get(f"/api/persons/{ref}").json()
    assert ("former", "Грищенко-Лис Остап") in [(n["kind"], n["full"]) for n in person["names"]]
    assert "2023-05-02" in c.get(f"/persons/{ref}").text


def test_bad_fields_are_shown_and_typed_values_kept(web: Web) -> None:
    c = web.client("editor")
    page = c.get("/persons/new").text
    bad = {**FORM, "birth_date": "31.02.1985", "case_jurisdiction": "россия", "source_url": "javascript:alert(1)",
           "csrf_token": csrf(page)}
    r = c.post("/persons/new", data=bad)
    assert r.status_code == 422
    assert 'id="e-birth_date"' in r.text and 'id="e-case_jurisdiction"' in r.text and 'id="e-source_url"' in r.text
    assert 'value="Грищенко Остап Васильович"' in r.text and 'value="Hryshchenko Ostap"' in r.text
    assert c.get("/persons", params={"q": "Грищенко", "searched": "1"}).text.count("/persons/P") == 0
    assert web.client("viewer").get("/persons/new").status_code == 403
