"""The vetting page's paste box, and an inline review that picks another candidate than the row's own."""

from __future__ import annotations


from starlette.testclient import TestClient

from kartoteka.services.imports import import_file
from tests.web.conftest import Web, csrf, finished_run


def _vet_pasted(c: TestClient, text: str) -> int:
    page = c.get("/vetting").text
    assert 'name="pasted"' in page
    r = c.post("/vetting", data={"definition_id": "guidelines-2013", "pasted": text, "csrf_token": csrf(page)},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return finished_run(c, r.headers["location"])


def test_paste_box_and_picking_the_second_candidate(web: Web) -> None:
    twin = web.tmp / "twin.csv"
    twin.write_text("id,name,birth_date\nP7,Иванов Иван Иванович,1991-02-02\n", "utf-8")
    import_file(web.db.engine, "persons", twin, actor="t")
    c = web.client("editor")
    run = _vet_pasted(c, "Приложение 1. Список лиц\n1. Иванов Иван Иванович\n2. Нетакой Никто, 1999\n")
    page = c.get(f"/vetting/runs/{run}").text
    row = page.split('id="row-1"')[1].split("</tr>")[0]
    assert "review" in row
    options = row.split('name="person"')[1].split("</select>")[0]
    picks = [o.split('"')[1] for o in options.split("<option value=")[1:]]
    assert set(picks[:2]) == {"P1", "P7"}
    second = picks[1]
    r = c.post(f"/vetting/runs/{run}/review", data={"row": "1", "judgement": "same", "person": second,
                                                   "csrf_token": csrf(page)})
    assert r.status_code == 200
    row = r.text.split('id="row-1"')[1].split("</tr>")[0]
    assert f'href="/persons/{second}"' in row and "match" in row
    assert c.post("/vetting", data={"definition_id": "guidelines-2013", "csrf_token": csrf(page)}).status_code == 422
