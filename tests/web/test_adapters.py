"""Flag reasons on the person page are shown in the reader's language (criteria.po)."""

from tests.web.conftest import Web, csrf


def test_person_page_translates_flag_questions(web: Web) -> None:
    c = web.client("admin")
    english = c.get("/persons/P1").text
    assert "Speech offence" in english and "RU 280.3(2)" in english
    r = c.post("/language", data={"lang": "uk", "next": "/persons/P1", "csrf_token": csrf(c.get("/").text)})
    assert "Злочин за висловлювання" in r.text and "Speech offence" not in r.text
    r = c.post("/language", data={"lang": "ru", "next": "/persons/P1", "csrf_token": csrf(r.text)})
    assert "Преступление за высказывания" in r.text
