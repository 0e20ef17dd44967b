"""The web import of a one-sheet registry: ignored columns shown, status mapping step, renames confirmed
with a checkbox, a review row decided in the form."""

from __future__ import annotations

from tests.web.conftest import Web, csrf

SHEET = "№;ФИО;Дата рождения;Статья УК;Статус;Заметки\n1;Иванов Иван Иванович;1980-05-01;ст. 207.3 УК РФ;этапирован в ИК;x\n"


def _upload(c: object, text: str, kind: str = "registry") -> tuple[str, dict[str, object]]:
    r = c.post("/import/preview", data={"kind": kind, "csrf_token": csrf(c.get("/import").text)},  # type: ignore[attr-defined]
               files={"file": ("sheet.csv", text.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    token = r.text.split('name="token" value="')[1].split('"')[0]
    return r.text, {"kind": kind, "token": token, "csrf_token": csrf(r.text)}


def test_registry_sheet_with_status_mapping_updates_the_matched_person(web: Web) -> None:
    c = web.client("editor")
    page, form = _upload(c, SHEET)
    assert 'id="ignored"' in page and "Заметки" in page.split('id="ignored"')[1].split("</p>")[0]
    assert "«этапирован в ИК»" in page                          # the mapping step asks for it
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "--status-map" in r.text
    mapped = {**form, "status_text": ["этапирован в ИК"], "status_value": ["transferred"]}
    r = c.post("/import/run", data={**mapped, "action": "dry_run"})
    assert "nothing was written" in r.text and "P1" in r.text    # matched to P1 by name and birth date
    r = c.post("/import/run", data={**mapped, "action": "commit"})
    assert "Imported." in r.text
    person = c.get("/api/persons/P1").json()
    assert any(case["status"] == "transferred" for case in person["cases"])


def test_a_rename_needs_the_checkbox_and_a_review_row_a_choice(web: Web) -> None:
    c = web.client("editor")
    _, form = _upload(c, "id;ФИО\nP2;Петренко Остап\n", kind="persons")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and 'id="renames"' in r.text and "Oleksandr Kovalenko" in r.text
    r = c.post("/import/run", data={**form, "action": "commit", "confirm_renames": "true"})
    assert "Imported." in r.text
    assert c.get("/api/persons/P2").json()["names"][0]["full"] in ("Петренко Остап", "Oleksandr Kovalenko")
    # A namesake without a birth date: the matcher asks; the form offers the candidates and a new person.
    _, form = _upload(c, "id;ФИО;Дата рождения\nP9;Иванов Иван Иванович;1991\n", kind="persons")
    assert "Imported." in c.post("/import/run", data={**form, "action": "commit"}).text
    _, form = _upload(c, "ФИО;Статус\nИванов Иван Иванович;в СИЗО\n")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422
    choices = r.text.split('id="reviews"')[1].split("</table>")[0]
    assert 'value="P1"' in choices and 'value="P9"' in choices and 'value="new"' in choices
    r = c.post("/import/run", data={**form, "action": "commit", "decide_row": ["2"], "decide_choice": ["P9"]})
    assert "Imported." in r.text
    assert [case["status"] for case in c.get("/api/persons/P9").json()["cases"]] == ["detained"]
