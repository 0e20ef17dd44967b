"""Rows hidden in an uploaded workbook: the preview says how many and which, the dry run names each one before
anything is written, 'Skip hidden rows' leaves them out; the JSON API answers them as ``warnings``. Invented
people only."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.web.conftest import Web, csrf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Особи"
    ws.append(["id", "ПІБ", "Дата народження"])
    ws.append(["W1", "Оврамчук Левко Тарасович", "1981"])
    ws.append(["W2", "Гайдамака Орися Петрівна", "1992"])
    ws.append(["W3", "Ярмоленко Тиміш Андрійович", "1970"])
    ws.row_dimensions[3].hidden = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(c: object) -> tuple[str, dict[str, object]]:
    r = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},  # type: ignore[attr-defined]
               files={"file": ("persons.xlsx", _workbook(), XLSX)})
    assert r.status_code == 200, r.text
    token = r.text.split('name="token" value="')[1].split('"')[0]
    return r.text, {"kind": "persons", "token": token, "csrf_token": csrf(r.text)}


def test_preview_and_dry_run_name_the_hidden_rows_and_skipping_leaves_them_out(web: Web) -> None:
    c = web.client("editor")
    page, form = _upload(c)
    notice = page.split('id="hidden-rows"')[1].split("</div>")[0]
    assert "hides 1 row(s)" in notice and "rows 3" in notice and 'name="skip_hidden"' in page
    r = c.post("/import/run", data={**form, "action": "dry_run"})
    assert "nothing was written" in r.text
    warned = r.text.split('id="hidden-warnings"')[1].split("</div>")[0]
    assert "row 3 of sheet &#39;Особи&#39; is hidden in the file and is imported" in warned
    assert c.get("/api/persons/W2").status_code == 404
    r = c.post("/import/run", data={**form, "action": "commit", "skip_hidden": "true"})
    assert "Imported." in r.text and "is hidden in the file and is left out" in r.text
    assert c.get("/api/persons/W1").status_code == 200 and c.get("/api/persons/W2").status_code == 404


def test_the_warnings_read_in_ukrainian(web: Web) -> None:
    c = web.client("editor")
    c.post("/language", data={"lang": "uk", "csrf_token": csrf(c.get("/").text)})
    page, form = _upload(c)
    assert "Книга приховує рядки під заголовком: 1" in page and "Пропустити приховані рядки" in page
    r = c.post("/import/run", data={**form, "action": "dry_run"})
    assert "Попередження" in r.text and "рядок 3 аркуша «Особи» прихований у файлі, і його імпортовано" in r.text


def test_api_answers_the_warnings_and_skips_with_skip_hidden(web: Web) -> None:
    c = web.client("editor")
    token = csrf(c.get("/import").text)
    r = c.post("/api/imports", data={"kind": "persons", "dry_run": "true"},
               files={"file": ("p.xlsx", _workbook(), XLSX)}, headers={"x-csrf-token": token})
    assert r.status_code == 200, r.text
    assert "row 3 of sheet 'Особи' is hidden in the file and is imported" in r.json()["warnings"]
    r = c.post("/api/imports", data={"kind": "persons", "skip_hidden": "true"},
               files={"file": ("p.xlsx", _workbook(), XLSX)}, headers={"x-csrf-token": token})
    assert r.status_code == 200 and r.json()["created"] == 2
    assert "row 3 of sheet 'Особи' is hidden in the file and is left out" in r.json()["warnings"]
    r = c.post("/api/imports/preview", data={"kind": "persons"}, files={"file": ("p.xlsx", _workbook(), XLSX)},
               headers={"x-csrf-token": token})
    assert r.status_code == 200 and r.json()["hidden"] == [["Особи", 3]]
