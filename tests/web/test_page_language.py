"""Every page a signed-in user reaches speaks the chosen language: no English word of the interface left
on the uk and ru pages (record kinds and field names in the history and the audit log included)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.conftest import Web, csrf

# English words of the interface that no data of the test registry contains
ENGLISH = {"the", "and", "of", "to", "with", "not", "no", "person", "persons", "search", "import", "name", "born",
           "case", "cases", "source", "sources", "status", "edit", "save", "delete", "new", "add", "review", "list",
           "date", "page", "next", "previous", "from", "for", "in", "by", "or", "is", "are", "all", "none", "yes",
           "this", "that", "file", "files", "run", "runs", "show", "change", "changes", "history", "merge", "user",
           "users", "role", "password", "sign", "out", "download", "export", "custody", "category", "flags", "flag",
           "held", "match", "score", "open", "close", "back", "cancel", "upload", "choose", "create", "update"}
PAGES = ["/", "/persons?q=Иванов", "/persons/P1", "/persons/new", "/import", "/import/mappings", "/vetting",
         "/duplicates", "/assessments/queue", "/audit", "/users", "/account", "/account/password", "/account/totp",
         "/verify", "/no/such/page"]


def _visible(html: str) -> str:
    """The page's text, without what is data: quoted values (a record's stored fields) and codes (BY, RU)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>|<!--.*?-->", " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+", " ", re.sub(r'"[^"]*"', " ", text))


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_no_english_interface_words_on_translated_pages(web: Web, lang: str) -> None:
    c = web.client("admin")
    r = c.post("/language", data={"lang": lang, "csrf_token": csrf(c.get("/").text)})
    assert r.status_code in (200, 303)
    found: dict[str, list[str]] = {}
    for path in PAGES:
        page = c.get(path)
        assert f'<html lang="{lang}">' in page.text, path
        words = {w for w in re.findall(r"(?<![\w/.-])[A-Za-z]{2,}(?![\w/.-])", _visible(page.text))
                 if w.lower() in ENGLISH and not w.isupper()}
        if words:
            found[path] = sorted(words)
    assert not found, f"{lang}: English words left on pages: {found}"
