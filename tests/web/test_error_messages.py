"""Errors a user meets importing a malformed file are shown in the reader's language (page and API),
naming file, row and field; English readers and the API's `detail` read exactly what they read before."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Web, csrf

BAD_DATE = "id,name,birth_date\nN1,Іваненко Іван,1980-05-01\nN2,Петренко Петро,31.02.1990\nN3,Сидоренко Ольга,учора\n"
TWICE = "id,name,name\nN1,Іваненко Іван,x\n"


def _speaking(web: Web, lang: str) -> TestClient:
    c = web.client("admin")
    r = c.post("/language", data={"lang": lang, "next": "/", "csrf_token": csrf(c.get("/import").text)})
    assert r.status_code in (200, 303)
    return c


def _import_page(c: TestClient, name: str, text: str) -> str:
    r = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
               files={"file": (name, text.encode(), "text/csv")})
    if r.status_code != 200:
        return r.text
    token = r.text.split('name="token" value="')[1].split('"')[0]
    r = c.post("/import/run", data={"kind": "persons", "token": token, "csrf_token": csrf(r.text),
                                    "action": "commit"})
    return r.text


def _api(c: TestClient, name: str, text: str, lang: str) -> tuple[int, dict[str, object]]:
    page = c.post("/account/tokens", data={"name": "t", "csrf_token": csrf(c.get("/account").text)}).text
    bearer = "Bearer " + page.split('class="token">')[1].split("<")[0]
    r = c.post("/api/imports", data={"kind": "persons"}, files={"file": (name, text.encode(), "text/csv")},
               headers={"Authorization": bearer, "Accept-Language": lang})
    return r.status_code, r.json()


def test_a_bad_date_reads_in_ukrainian_and_russian(web: Web) -> None:
    uk = _import_page(_speaking(web, "uk"), "people.csv", BAD_DATE)
    assert "«31.02.1990»: дня 31 немає в 1990-02" in uk and "«учора» — не дата" in uk
    assert "does not exist" not in uk and "is not a date" not in uk
    ru = _import_page(_speaking(web, "ru"), "people.csv", BAD_DATE)
    assert "«31.02.1990»: дня 31 нет в 1990-02" in ru and "«учора» — не дата" in ru
    assert "problem(s)" not in ru


def test_the_api_keeps_english_detail_and_adds_the_readers_message(web: Web) -> None:
    code, body = _api(_speaking(web, "uk"), "people.csv", BAD_DATE, "uk")
    assert code == 422
    assert body["detail"] == "people.csv: 2 problem(s); nothing was imported"     # as before
    assert body["message"] == "people.csv: проблем — 2; нічого не імпортовано"
    assert body["message_id"] == "%(file)s: %(n)d problem(s); nothing was imported"
    assert body["values"] == {"file": "people.csv", "n": 2}
    errors = body["errors"]
    assert isinstance(errors, list)
    first = errors[0]
    assert (first["row"], first["column"]) == (3, "birth_date")
    assert first["reason"] == "'31.02.1990': day 31 does not exist in 1990-02"
    assert first["message"] == "«31.02.1990»: дня 31 немає в 1990-02"
    assert first["message_id"] == "'%(text)s': day %(day)d does not exist in %(month)s"


def test_a_duplicate_header_and_an_oversized_file_in_russian(web: Web) -> None:
    c = _speaking(web, "ru")
    page = _import_page(c, "twice.csv", TWICE)
    assert "twice.csv: строка 1: заголовок «name» встречается дважды (столбцы 2 и 3)" in page
    code, body = _api(c, "twice.csv", TWICE, "ru")
    assert code == 422 and body["message"] == ("twice.csv: строка 1: заголовок «name» встречается дважды "
                                               "(столбцы 2 и 3); переименуйте один, чтобы ни один столбец "
                                               "не потерялся незаметно")
    assert body["detail"] == ("twice.csv: row 1: the header 'name' appears twice (columns 2 and 3); "
                              "rename one so that no column is silently dropped")
    wide = ",".join(f"c{i}" for i in range(500)) + "\n" + ",".join("x" for _ in range(500)) + "\n"
    code, body = _api(c, "wide.csv", wide, "ru")
    assert code == 422 and body["message"] == "wide.csv: 500 столбцов — больше лимита 200 (KARTOTEKA_MAX_COLUMNS)"


def test_an_english_reader_reads_the_same_text_as_before(web: Web) -> None:
    c = web.client("admin")
    page = _import_page(c, "people.csv", BAD_DATE)
    assert "people.csv: 2 problem(s); nothing was imported" in page
    assert "&#39;31.02.1990&#39;: day 31 does not exist in 1990-02" in page
    code, body = _api(c, "twice.csv", TWICE, "en")
    assert body["message"] == body["detail"] and "appears twice (columns 2 and 3)" in str(body["detail"])
