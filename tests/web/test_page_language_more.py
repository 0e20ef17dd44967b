"""The pages behind the first ones speak the chosen language too: a vetting run, its review and diff, the
rounds and outcomes, the import preview, a person's edit, custody and merge pages, an assessment, a user's
page, tokens (tests/web/test_page_language.py checks the pages a user reaches first)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Web, csrf
from tests.web.test_page_language import ENGLISH, _visible
from tests.web.test_vetting import _vet


def _english_words(html: str) -> list[str]:
    return sorted({w for w in re.findall(r"(?<![\w/.-])[A-Za-z]{2,}(?![\w/.-])", _visible(html))
                   if w.lower() in ENGLISH and not w.isupper()})


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_no_english_interface_words_behind_the_first_pages(web: Web, lang: str) -> None:
    c = web.client("admin")
    c.post("/language", data={"lang": lang, "csrf_token": csrf(c.get("/").text)})
    first, second = _vet(c, "first"), _vet(c, "second")
    pages = [f"/vetting/runs/{first}", f"/vetting/runs/{first}?q=Иванов", f"/vetting/diff?a={first}&b={second}",
             "/vetting/rounds/R1", "/vetting/outcomes", "/persons/P1/edit", "/persons/P1/custody",
             "/persons/P1/merge", "/duplicates/merge?first=P1&second=P2", "/users/editor", "/account/tokens",
             "/assessments", "/persons/P1/names"]
    found: dict[str, list[str]] = {}
    for path in pages:
        page = c.get(path)
        if page.status_code == 405:
            continue
        assert page.status_code in (200, 404), (path, page.status_code)
        assert f'<html lang="{lang}">' in page.text, path
        if words := _english_words(page.text):
            found[path] = words
    sheet = "№;ФИО;Дата рождения\n1;Петров Пётр;31.02.1990\n"
    preview = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
                     files={"file": ("sheet.csv", sheet.encode(), "text/csv")})
    assert preview.status_code in (200, 400, 422), preview.status_code
    if words := _english_words(preview.text):
        found["/import/preview"] = words
    assert not found, f"{lang}: English words left on pages: {found}"


def test_the_column_choice_names_fields_in_words(web: Web) -> None:
    """The import's column choice shows each field as words in the reader's language; its value stays the code."""
    c = web.client("admin")
    c.post("/language", data={"lang": "uk", "csrf_token": csrf(c.get("/").text)})
    sheet = "№;ФИО;Дата рождения\n1;Петров Пётр;1990\n"
    page = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
                  files={"file": ("sheet.csv", sheet.encode(), "text/csv")}).text
    assert '<option value="given_name" >ім&#39;я</option>' in page or '<option value="given_name" >ім\'я</option>' in page
    assert '<option value="birth_date" selected>дата народження</option>' in page
    assert ">given_name<" not in page and ">row_number<" not in page


@pytest.mark.parametrize(("lang", "words"), [("uk", "попередження: - -&gt; вже обміняний"), ("ru", "предупреждения: - -&gt; уже обменян")])
def test_the_changes_between_runs_in_words(web: Web, lang: str, words: str) -> None:
    """A change between two rounds' lists reads in the reader's language, codes included (not "warnings:
    - -> exchanged"); the CLI says it the same way (services/rounds.py change_text)."""
    from kartoteka.services.custody import record_custody
    from kartoteka.services.rounds import change_text, diff_runs

    c = web.client("admin")
    c.post("/language", data={"lang": lang, "csrf_token": csrf(c.get("/").text)})
    first = _vet(c, "first")
    record_custody(web.db.engine, person="P1", held_by="RU", state="exchanged", actor="test", since="2025-05-23")
    second = _vet(c, "second")
    page = c.get(f"/vetting/diff?a={first}&b={second}").text
    assert words in page and "warnings" not in page and "already_exchanged" not in page
    entry = next(e for e in diff_runs(web.db.engine, run_a=first, run_b=second).changed if e.person_id == "P1")
    assert entry.changes == [change_text(d) for d in entry.deltas] and entry.changes[0].startswith("warnings: - -> ")
