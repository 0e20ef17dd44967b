"""Every error a user reads is translatable: no user-facing exception is raised with an English literal.

An error raised as ``InvalidInput(f"...")`` reads English to a Ukrainian or Russian reader, whatever the
catalogs hold; raised with ``Message(N_("..."), ...)`` (or ``InvalidInput.of(N_("..."), ...)``) its message
id is extracted, must be translated (tests/web/test_i18n.py) and is shown in the reader's language. The scan
below fails on a ``raise`` of a user-facing exception whose message is a literal or an f-string with words;
the few raises no user reads are listed with the reason. The end-to-end checks read converted errors in
Ukrainian and Russian through the CLI (KARTOTEKA_LANG) and the web (API and page).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.web import conftest as web_conftest
from tests.web.conftest import Web, csrf

web = web_conftest.web                      # the web fixtures (a registry, a user of every role), as in tests/web
fast_hashing = web_conftest.fast_hashing

# The user-facing exceptions: KartotekaError and every class of kartoteka/ derived from it (found by the scan),
# and ValueError, whose text the parsers' callers turn into row errors and messages (reason_of).
BASE_CLASSES = frozenset({"KartotekaError", "ValueError"})
WORD = re.compile(r"[^\W\d_]{2,}")

# Raises no user reads, by file (and the exception class): why their English text may stay.
INTERNAL: dict[tuple[str, str], str] = {
    ("catalogs/models.py", "ValueError"):
        "pydantic validators of the catalogs shipped inside the package (kartoteka/data): pydantic rewraps "
        "the text into its own English ValidationError, and only a maintainer editing the package data meets it",
    ("db/bulk.py", "ValueError"):
        "a programming error: insert_rows(into=...) called on a driver without COPY; no input of a user reaches it",
    ("web/api/models.py", "ValueError"):
        "a pydantic AfterValidator of API bodies: pydantic words it ('Value error, ...') in the machine-readable "
        "422 `detail` of the API; the pages name only the field",
}

# Raises still English, to be converted: (file, the literal text of the message without its f-string values).
# None are left; a new English raise anywhere fails.
PENDING: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class EnglishRaise:
    file: str
    line: int
    exception: str
    text: str      # the literal parts of the message (an f-string's values left out)

    def __str__(self) -> str:
        return f"kartoteka/{self.file}:{self.line}: raise {self.exception}({self.text!r})"


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def literal_text(node: ast.expr) -> str | None:
    """The literal words of a message argument: a str constant, an f-string, or a concatenation of them;
    None for anything else (a name, a call such as Message(...))."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        parts = [literal_text(node.left), literal_text(node.right)]
        return None if parts == [None, None] else "".join(p or "" for p in parts)
    return None


def user_facing(trees: dict[str, ast.Module]) -> set[str]:
    """BASE_CLASSES and every class defined in ``trees`` that derives from one of them, however deep."""
    found = set(BASE_CLASSES)
    classes = [n for tree in trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for c in classes:
            if c.name not in found and any(_name(b) in found for b in c.bases):
                found.add(c.name)
                grew = True
    return found


def english_raises(trees: dict[str, ast.Module]) -> list[EnglishRaise]:
    """Every ``raise X("words ...")`` / ``raise X(f"... {v} ...")`` of a user-facing exception class X."""
    classes = user_facing(trees)
    out = []
    for file, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            exception = _name(node.exc.func)
            text = literal_text(node.exc.args[0])
            if exception in classes and text is not None and WORD.search(text):
                out.append(EnglishRaise(file, node.lineno, exception, text))
    return out


def _package_trees() -> dict[str, ast.Module]:
    root = Path(str(files("kartoteka")))
    return {p.relative_to(root).as_posix(): ast.parse(p.read_text("utf-8"), str(p)) for p in sorted(root.rglob("*.py"))}


def test_the_scanner_finds_english_raises_and_passes_translatable_ones() -> None:
    sample = '''
from kartoteka.errors import N_, InvalidInput, KartotekaError, Message, NotFound

class CatalogError(KartotekaError): ...
class DeepError(CatalogError): ...

def f(x, path):
    raise InvalidInput(f"{path}: unknown format '{x}'")
    raise NotFound("no such upload")
    raise DeepError("bad tags " + x)
    raise ValueError(f"{x} is not a number")
    raise InvalidInput.of(N_("%(file)s: no such file"), file=path)
    raise InvalidInput(Message(N_("no columns")))
    raise NotFound(f"{path}: {x}")
    raise RuntimeError("an internal error")
    raise InvalidInput(message)
'''
    trees = {"errors.py": _package_trees()["errors.py"], "sample.py": ast.parse(sample)}
    found = sorted(english_raises(trees), key=lambda r: r.line)
    assert [(r.line, r.exception, r.text) for r in found] == [
        (8, "InvalidInput", ": unknown format ''"), (9, "NotFound", "no such upload"),
        (10, "DeepError", "bad tags "), (11, "ValueError", " is not a number")]
    assert {"InvalidInput", "NotFound", "Conflict", "DeepError"} <= user_facing(trees)
    assert "RuntimeError" not in user_facing(trees)


def test_no_user_facing_error_is_raised_with_english_text() -> None:
    trees = _package_trees()
    found = english_raises(trees)
    left = [r for r in found if (r.file, r.exception) not in INTERNAL and (r.file, r.text) not in PENDING]
    assert not left, "raise these with Message(N_(...)) / .of(N_(...)) and translate them:\n" + \
        "\n".join(map(str, left))
    # every INTERNAL entry still names raises (drop an entry once its file has none)
    assert {(r.file, r.exception) for r in found} >= set(INTERNAL)


# --- end to end: converted errors in the reader's language ---------------------------------------------------------

def test_cli_errors_read_in_ukrainian_and_russian(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "нема.db"
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "restore", str(missing), "--yes", code=1)
    assert "нема.db: такого файлу резервної копії немає" in out and "no such backup file" not in out
    out = run_cli(db, "export", "persons", "--out", str(tmp_path / "p.xyz"), code=1)
    assert "невідомий формат експорту «xyz»" in out
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "restore", str(missing), "--yes", code=1)
    assert "нема.db: такого файла резервной копии нет" in out
    out = run_cli(db, "export", "persons", "--out", str(tmp_path / "p.xyz"), code=1)
    assert "неизвестный формат экспорта «xyz»" in out
    monkeypatch.setenv("KARTOTEKA_LANG", "en")   # English reads as it always did
    assert "нема.db: no such backup file" in run_cli(db, "restore", str(missing), "--yes", code=1)


def _speaking(web: Web, role: str, lang: str) -> TestClient:
    """A client of ``role`` whose user chose ``lang`` (a user's choice comes before Accept-Language)."""
    c = web.client(role)
    r = c.post("/language", data={"lang": lang, "next": "/", "csrf_token": csrf(c.get("/").text)})
    assert r.status_code in (200, 303)
    return c


def _bearer(c: TestClient) -> str:
    page = c.post("/account/tokens", data={"name": "t", "csrf_token": csrf(c.get("/account").text)}).text
    return "Bearer " + page.split('class="token">')[1].split("<")[0]


def test_api_errors_carry_the_readers_message(web: Web) -> None:
    editor, reviewer = _bearer(_speaking(web, "editor", "uk")), _bearer(_speaking(web, "reviewer", "ru"))
    bad_party = {"held_by": "Russia", "state": "serving_sentence"}
    c = TestClient(web.app, base_url="https://testserver")
    r = c.post("/api/persons/P1/custody", json=bad_party, headers={"Authorization": editor})
    body = r.json()
    assert r.status_code == 422 and body["detail"].startswith("'Russia' is not a detaining party")   # as before
    assert body["message"].startswith("«Russia» — не сторона, що утримує (двобуквений код держави")
    assert body["message_id"].startswith("'%(text)s' is not a detaining party")
    r = c.get("/api/rounds/Nowhere/summary", headers={"Authorization": reviewer})
    assert r.status_code == 404
    assert r.json()["message"] == "в раунде «Nowhere» нет проверок (см. `kartoteka runs`)"
    viewer = _bearer(_speaking(web, "viewer", "uk"))
    r = c.post("/api/persons/P1/custody", json={"held_by": "RU", "state": "serving_sentence"},
               headers={"Authorization": viewer})
    assert r.status_code == 403 and r.json()["detail"] == "your role (viewer) may not edit records"
    assert r.json()["message"] == "ваша роль (переглядач) не дозволяє редагувати записи"


def test_a_form_error_on_a_page_reads_in_the_users_language(web: Web) -> None:
    c = _speaking(web, "editor", "ru")
    page = c.get("/persons/P1/custody").text
    r = c.post("/persons/P1/custody", data={"held_by": "RU", "state": "nowhere", "csrf_token": csrf(page)})
    assert r.status_code == 422
    assert "«nowhere» — не состояние содержания (используйте" in r.text and "is not a custody state" not in r.text


def test_an_api_refusal_of_a_token_reads_in_the_readers_language(web: Web) -> None:
    """401 (no token, a forged one) was an English HTTPException text: it is a message in the language the
    request asks for, with the English detail and the WWW-Authenticate header as before."""
    c = TestClient(web.app, base_url="https://testserver", headers={"Accept-Language": "ru"})
    for headers, english, russian in (({}, "sign in or send an API token (Authorization: Bearer ...)",
                                       "войдите или отправьте API-токен (Authorization: Bearer ...)"),
                                      ({"Authorization": "Bearer kt_forged"}, "invalid or revoked API token",
                                       "API-токен недействителен или отозван")):
        r = c.get("/api/me", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert (r.json()["detail"], r.json()["message"]) == (english, russian)
