"""Merging from the duplicates page: choose the survivor and each field; the person page offers the unmerge."""

from __future__ import annotations

import re

from tests.web.conftest import Web, csrf


def test_merge_from_duplicates_page_and_unmerge(web: Web) -> None:
    c = web.client("editor")
    person = c.get("/persons/P1").text
    assert 'id="merge-with"' in person and 'name="first" value="P1"' in person   # merge from the person page
    page = c.get("/duplicates/merge", params={"first": "P1", "second": "P2"})
    assert page.status_code == 200 and 'name="field_region"' in page.text
    r = c.post("/duplicates/merge", data={"csrf_token": csrf(page.text), "first": "P1", "second": "P2", "keep": "P2",
                                          "field_name": "P1", "field_region": "P2", "field_birth_date": "P1"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/persons/P2")
    kept = c.get("/api/persons/P2").json()
    assert kept["names"][0]["full"] == "Иванов Иван Иванович" and kept["person"]["birth_date"] == "1980-05-01"
    assert kept["person"]["region"] == "Kherson" and {case["ext_id"] for case in kept["cases"]} >= {"C1", "C3"}
    assert c.get("/persons/P1").status_code == 404
    person_page = c.get("/persons/P2").text
    assert 'id="merges"' in person_page and "P1" in person_page.split('id="merges"')[1]
    undo = person_page.split('action="/merges/')[1].split("/undo")[0]
    r = c.post(f"/merges/{undo}/undo", data={"csrf_token": csrf(person_page)})
    assert r.status_code == 200 and c.get("/api/persons/P1").json()["names"][0]["full"] == "Иванов Иван Иванович"
    assert c.get("/api/persons/P2").json()["names"][0]["full"] == "Oleksandr Kovalenko"
    assert [case["ext_id"] for case in c.get("/api/persons/P1").json()["cases"]] == ["C1"]
    assert web.client("viewer").get("/duplicates/merge", params={"first": "P1", "second": "P2"}).status_code == 403


def test_the_merge_form_offers_the_stricter_sensitivity(web: Web) -> None:
    """The merged record carries both records' names: the form preselects the stricter sensitivity, here the
    second record's (the other fields preselect the first record's values)."""
    c = web.client("editor")
    person = c.get("/api/persons/P2").json()["person"]
    r = c.patch("/api/persons/P2", json={"version": person["version"], "sensitivity": "confidential"},
                headers={"X-CSRF-Token": csrf(c.get("/persons/P2").text)})
    assert r.status_code == 200, r.text
    assert c.get("/api/persons/P1").json()["person"]["sensitivity"] != "confidential"
    page = c.get("/duplicates/merge", params={"first": "P1", "second": "P2"}).text
    radios = [part.split(">")[0] for part in page.split('name="field_sensitivity"')[1:]]
    assert [r.split('value="')[1].split('"')[0] for r in radios if "checked" in r] == ["P2"]
    radios = [part.split(">")[0] for part in page.split('name="field_region"')[1:]]
    assert len(radios) == 2


def test_a_viewer_is_not_told_a_confidential_record_was_merged_into_a_visible_person(web: Web) -> None:
    """P3 (confidential) merged into P1 (public) keeping P1's public level, by choice (a declassification of
    P3's data): the person page offers the unmerge to editors, naming P3; a viewer reads neither P3's id there
    nor in the history."""
    from kartoteka.services.access import Principal
    from kartoteka.services.person_merge import merge_records

    merge_records(web.db.engine, Principal("ed", "editor"), keep="P1", other="P3", choices={"sensitivity": "keep"})
    editor = web.client("editor").get("/persons/P1").text
    assert 'id="merges"' in editor and "P3" in editor.split('id="merges"')[1]
    viewer = web.client("viewer").get("/persons/P1")
    # (P3 as a word: a page's random form token may hold the letters "P3")
    assert viewer.status_code == 200 and 'id="merges"' not in viewer.text
    assert not re.search(r"(?<![A-Za-z0-9_-])P3(?![A-Za-z0-9_-])", viewer.text)
    history = web.client("viewer").get("/api/persons/P1/history")
    assert history.status_code == 200 and "P3" not in history.text
