"""KARTOTEKA_LANG: the registry, audit, name index and user commands speak Ukrainian or Russian (cli/registry.py,
cli/audit.py, cli/name_index.py, cli/web.py; catalogs locale/*/LC_MESSAGES/cli_registry.po)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from kartoteka.db.tables import name_keys
from tests.cli.runner import run_cli
from tests.conftest import Db

WORDS = {   # what each language prints: (its own words, the English words it must not print)
    "uk": {"show": ["Стать:", "Дата народження:", "Імена", "повне ім'я", "Справа K1", "суд:", "покарання:",
                    "Історія статусів", "Джерела"],
           "verify": "Журнал аудиту цілий: записів — ", "check": "Індекс імен узгоджений, осіб: 1.",
           "rebuild": "Індекс імен перебудовано, осіб: 1.", "differs": "Індекс імен розходиться з обчисленим для осіб: 1",
           "run": "Виконайте", "added": "Додано користувача anna (editor)",
           "list": ["користувача", "заблоковано", "двофакторний", "так", "вимкнено"],   # (headings may wrap)
           "event": "додано до хронології P-1", "source": "зареєстровано"},
    "ru": {"show": ["Пол:", "Дата рождения:", "Имена", "полное имя", "Дело K1", "суд:", "наказание:",
                    "История статусов", "Источники"],
           "verify": "Журнал аудита цел: записей — ", "check": "Индекс имён согласован, лиц: 1.",
           "rebuild": "Индекс имён перестроен, лиц: 1.", "differs": "Индекс имён расходится с вычисленным для лиц: 1",
           "run": "Выполните", "added": "Добавлен пользователь anna (editor)",
           "list": ["пользователя", "заблокирован", "двухфакторный", "да", "выключен"],
           "event": "добавлено в хронологию P-1", "source": "зарегистрирован"},
}
ENGLISH_SHOW = ["Gender:", "Born:", "Citizenship:", "Names", "full name", "surname", "patronymic", "Case K1", "court:",
                "sentence:", "facility:", "part ", "Status history", "Sources"]
ENGLISH_LIST = ["username", "locked until", "two-factor", "yes", "off"]


def _registry(db: Db, tmp_path: Path) -> None:
    persons = tmp_path / "persons.csv"
    persons.write_text("id,surname,given_name,patronymic,birth_date,gender\nP-1,Жуков,Олег,Петрович,1981-03-03,m\n",
                       "utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,person_id,jurisdiction,articles,court,sentence\n"
                     "K1,P-1,RU,ч. 2 ст. 207.3 УК РФ,Тверской районный суд,5 лет\n", "utf-8")
    run_cli(db, "import", "persons", str(persons))
    run_cli(db, "import", "cases", str(cases))


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_registry_audit_index_and_user_commands_follow_kartoteka_lang(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    _registry(db, tmp_path)
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    words = WORDS[lang]
    assert words["event"] in run_cli(db, "add", "event", "P-1", "detained", "--date", "2022-04-01")
    assert words["source"] in run_cli(db, "add", "source", "--url", "https://example.org/s/1", "--title", "Отчёт",
                                      "--cite", "person:P-1")

    shown = run_cli(db, "show", "P-1")
    assert "Жуков Олег Петрович" in shown and "ч. 2 ст. 207.3 УК РФ" in shown and "1981-03-03" in shown
    assert all(w in shown for w in words["show"]), shown
    assert not [w for w in ENGLISH_SHOW if w in shown], shown

    verified = run_cli(db, "audit", "verify")
    assert words["verify"] in verified and "intact" not in verified and "entries" not in verified

    checked = run_cli(db, "index", "check")
    assert words["check"] in checked and "Name index" not in checked and "persons" not in checked
    with db.engine.begin() as conn:
        conn.execute(update(name_keys).values(key=name_keys.c.key + 7))
    differs = run_cli(db, "index", "check", code=1)
    assert words["differs"] in differs and words["run"] in differs and "differs" not in differs
    rebuilt = run_cli(db, "index", "rebuild")
    assert words["rebuild"] in rebuilt and "rebuilt" not in rebuilt
    assert words["check"] in run_cli(db, "index", "check")

    added = run_cli(db, "user", "add", "anna", "--role", "editor", "--password-stdin", input="a long passphrase\n")
    assert words["added"] in added and "Added" not in added
    listed = run_cli(db, "user", "list")
    assert "anna" in listed and all(w in listed for w in words["list"]), listed
    assert not [w for w in ENGLISH_LIST if w in listed], listed


def test_english_stays_as_it_was(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    _registry(db, tmp_path)
    shown = run_cli(db, "show", "P-1")
    assert all(w in shown for w in ENGLISH_SHOW if w not in ("part ", "Status history", "Sources")), shown
    assert "intact: " in run_cli(db, "audit", "verify")
    assert "Name index consistent: 1 persons." in run_cli(db, "index", "check")
    assert "Name index rebuilt: 1 persons." in run_cli(db, "index", "rebuild")


@pytest.mark.parametrize(("lang", "words"), [("uk", "змінено після того"), ("ru", "изменена после того")])
def test_a_broken_chain_is_told_in_the_language(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                lang: str, words: str) -> None:
    from sqlalchemy import select, update

    from kartoteka.db.tables import audit_log

    run_cli(db, "init")
    (tmp_path / "p.csv").write_text("id,name\nP1,Іваненко Іван\n", "utf-8")
    run_cli(db, "import", "persons", str(tmp_path / "p.csv"))
    with db.engine.begin() as conn:
        first = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id).limit(1)).scalar_one()
        conn.execute(update(audit_log).where(audit_log.c.id == first).values(actor="mallory"))
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    said = " ".join(run_cli(db, "audit", "verify", code=1).split())   # as one line (the terminal wraps it)
    assert words in said and f"№{first}" in said and "was changed" not in said
