"""The assessment page in Ukrainian and Russian shows the definition's criteria, exclusions, status labels and
issuer in the reader's language (the catalog's own uk/ru texts), and the English page stays as it was."""

from __future__ import annotations

from html import unescape

import pytest

from starlette.testclient import TestClient

from kartoteka.catalogs import get_definition
from tests.web.conftest import Web, csrf


def _draft(web: Web, lang: str, definition: str = "guidelines-2013") -> tuple[TestClient, str, str]:
    """A new draft assessment of P1 and its page, read by an editor who chose ``lang``: (client, url, text)."""
    editor = web.client("editor")
    r = editor.post("/language", data={"lang": lang, "csrf_token": csrf(editor.get("/").text)})
    assert r.status_code in (200, 303)
    h = {"x-csrf-token": csrf(editor.get("/").text)}
    aid = editor.post("/api/assessments", json={"person": "P1", "definition_id": definition}, headers=h).json()["id"]
    page = editor.get(f"/assessments/{aid}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    return editor, f"/assessments/{aid}", unescape(page.text)


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_criteria_exclusions_and_statuses_in_the_readers_language(web: Web, lang: str) -> None:
    g = get_definition("guidelines-2013")
    _, _, text = _draft(web, lang)
    c1a, excl = g.criteria[0], g.exclusions[0]
    assert c1a.summary_in(lang)[:90] in text and c1a.summary_in(lang) != c1a.summary
    assert c1a.summary[:40] not in text                       # "Held solely for political, religious ..."
    assert excl.summary_in(lang)[:80] in text and excl.summary[:40] not in text
    assert g.status("persecuted_only").label_in(lang) in text and g.status("persecuted_only").label not in text
    assert g.issuer_in(lang) in text and g.issuer not in text
    assert "Held solely" not in text and "Persons who" not in text


def test_the_pace_page_in_ukrainian(web: Web) -> None:
    _, _, text = _draft(web, "uk", "pace-1900-2012")
    assert "Позбавлення волі порушує одну з основоположних гарантій ЄКПЛ" in text
    assert "політичний в'язень (ПАРЄ 1900)" in text and "Парламентська асамблея Ради Європи" in text
    assert "Detention breaches" not in text and "political prisoner (PACE 1900)" not in text


def test_the_english_page_is_unchanged(web: Web) -> None:
    g = get_definition("guidelines-2013")
    _, _, text = _draft(web, "en")
    assert f"1a: {g.criteria[0].summary[:90]}" in text and f"excl-violence: {g.exclusions[0].summary[:80]}" in text
    assert g.status("excluded_violence").label in text and f"({g.issuer}, 2)" in text


@pytest.mark.parametrize(("lang", "exception"), [("uk", "необхідна оборона або крайня необхідність"),
                                                  ("ru", "необходимая оборона или крайняя необходимость"),
                                                  ("en", "necessary defence or extreme necessity")])
def test_an_excepted_finding_without_a_note_names_the_exceptions_in_the_readers_language(
        web: Web, lang: str, exception: str) -> None:
    editor, url, _ = _draft(web, lang)
    r = editor.post(f"{url}/findings", data={"criterion_id": "excl-violence", "finding": "excepted",
                                             "source_url": "https://example.org/verdict",
                                             "csrf_token": csrf(editor.get(url).text)})
    assert r.status_code == 422
    shown = unescape(r.text)
    assert exception in shown
    if lang != "en":
        assert "necessary defence" not in shown


def test_the_motive_condition_can_be_recorded_on_the_page(web: Web) -> None:
    """The Guidelines' 1d-1g need the political-motive condition met: the page offers it with the criteria and
    exclusions, and a finding on it is recorded (before, only the API could)."""
    editor, url, text = _draft(web, "uk")
    assert 'value="2-motive"' in text and "умова 2-motive: Політичний мотив" in text
    r = editor.post(f"{url}/findings", data={"criterion_id": "2-motive", "finding": "met", "note": "",
                                             "source_url": "https://example.org/motive", "source_title": "",
                                             "csrf_token": csrf(text)}, follow_redirects=False)
    assert r.status_code == 303
    page = unescape(editor.get(url).text)
    assert "<td>2-motive</td>" in page   # the findings table (the list offers it as an option, not a cell)
