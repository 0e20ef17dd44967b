"""kartoteka match / search / duplicates in Ukrainian and Russian: the messages, the tables and the
explanations (in the terminal, in the CSV and JSON written) follow KARTOTEKA_LANG."""

import csv
import json
from pathlib import Path

import pytest

from tests.cli.runner import run_cli
from tests.conftest import Db

PERSONS = ("id,name,birth_date,gender\nB1,Яшин Илья Валерьевич,1983-06-29,m\n"
           "B2,Горинов Алексей Александрович,1961,m\nB4,Aleksei GORINOV,1961,m\n")
LIST = "id,name,birth_date\n7,Jaschin Ilja,29.06.1983\n8,Горінов Олексій,31.02.1961\n"


@pytest.fixture
def registry(db: Db, tmp_path: Path) -> Db:
    run_cli(db, "init")
    (tmp_path / "persons.csv").write_text(PERSONS, "utf-8")
    run_cli(db, "import", "persons", str(tmp_path / "persons.csv"))
    (tmp_path / "list.csv").write_text(LIST, "utf-8")
    return db


@pytest.mark.parametrize(("lang", "surname", "english"), [
    ("uk", "прізвище", "surname"), ("ru", "фамилия", "surname")])
def test_explanations_follow_the_language(registry: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          lang: str, surname: str, english: str) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    found = run_cli(registry, "search", "Gorinov Alexei")
    assert "B2" in found and surname in found and english not in found
    assert ("пояснення" if lang == "uk" else "пояснение") in found   # the table's heading

    out = tmp_path / "out.csv"
    said = run_cli(registry, "match", str(tmp_path / "list.csv"), "--out", str(out))
    assert ("Зіставлено 2 рядків" if lang == "uk" else "Сопоставлено 2 строк") in said
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["7", "8"] and rows[0]["person_id"] == "B1"   # columns stay as they are
    assert surname in rows[0]["explanation"] and english not in rows[0]["explanation"]
    # the unreadable date's note, translated too
    assert "31.02.1961" in rows[1]["explanation"] and "not understood" not in rows[1]["explanation"]

    dup = run_cli(registry, "duplicates")
    assert "B2" in dup and "B4" in dup and surname in dup and english not in dup
    pairs = json.loads(run_cli(registry, "duplicates", "--json"))
    assert pairs[0]["ext_id"] == "B2" and surname in pairs[0]["explanation"]
    written = tmp_path / "pairs.csv"
    run_cli(registry, "duplicates", "--out", str(written))
    assert surname in written.read_text("utf-8")


def test_english_stays_english(registry: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    assert "surname" in run_cli(registry, "search", "Gorinov Alexei")
    out = tmp_path / "out.csv"
    run_cli(registry, "match", str(tmp_path / "list.csv"), "--out", str(out))
    text = out.read_text("utf-8")
    assert "surname" in text and "birth date '31.02.1961' not understood" in text
    assert "surname" in json.loads(run_cli(registry, "duplicates", "--json"))[0]["explanation"]


def test_colons_in_what_a_user_typed_stay_text(registry: Db) -> None:
    """Rich would turn ":x:" into an emoji; what a user typed (or a file holds) is printed as written."""
    said = run_cli(registry, "search", "Nobody :x: :thumbs_up:")
    assert ":x: :thumbs_up:" in said and "❌" not in said
