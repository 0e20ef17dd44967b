"""Search results in pages, sorted, by id, given name or birth year, and exported as CSV/XLSX; friendly
error pages for browsers (an unknown URL is a page in the user's language, the API keeps JSON)."""

from __future__ import annotations

import csv
import io

from kartoteka.services.imports import import_file
from tests.web.conftest import Web


def _many(web: Web, n: int = 120) -> None:
    lines = ["id,surname,given_name,birth_date"] + [f"Q{i:04d},Степанов{i % 7},Борис,{1950 + i % 40}" for i in range(n)]
    path = web.tmp / "many.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(web.db.engine, "persons", path, actor="t")


def test_pages_sort_export_and_search_by_given_name_id_and_year(web: Web) -> None:
    _many(web)
    c = web.client("viewer")
    r = c.get("/persons", params={"q": "Борис", "searched": "1", "sort": "id"})
    assert "120 persons found" in r.text and "Page 1 of 3" in r.text and "Q0049" in r.text and "Q0050" not in r.text
    r = c.get("/persons", params={"q": "Борис", "searched": "1", "sort": "id", "page": "3"})
    assert "Q0119" in r.text and "Q0100" in r.text and "Q0099" not in r.text and 'rel="next"' not in r.text
    assert "1 person found" in c.get("/persons", params={"q": "Q0007", "searched": "1"}).text
    r = c.get("/persons", params={"q": "", "birth_year": "1951", "searched": "1", "sort": "id"})
    assert "3 persons found" in r.text and "Q0001" in r.text and "Q0041" in r.text and "Q0081" in r.text
    exported = c.get("/search/export.csv", params={"q": "Борис", "searched": "1", "sort": "id"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "name", "birth_date"] and len(rows) == 121 and rows[1][0] == "Q0000"
    xlsx = c.get("/search/export.xlsx", params={"q": "Борис", "searched": "1"})
    from openpyxl import load_workbook
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 121
    # confidential persons stay out of a viewer's export
    assert "P3" not in c.get("/search/export.csv", params={"q": "Секретная", "searched": "1"}).text


def test_unknown_url_and_bad_form_are_pages_in_the_users_language(web: Web) -> None:
    c = web.client("viewer")
    r = c.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address" in r.text
    c.post("/language", data={"lang": "uk", "next": "/", "csrf_token": c.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]})
    assert "За цією адресою нічого немає" in c.get("/no/such/page").text
    r = c.get("/persons", params={"page": "zero"})
    assert r.status_code == 422 and "text/html" in r.headers["content-type"] and "page" in r.text
    assert c.get("/api/no/such").json()["detail"] == "Not Found"
