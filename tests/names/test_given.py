"""Given-name equivalence: language forms, Latin forms and diminutives from data/names."""

from importlib import resources
from pathlib import Path

import pytest
import yaml

from kartoteka.names.given import given_names


def same_class(a: str, b: str) -> bool:
    table = given_names()
    return bool(table.class_ids(a) & table.class_ids(b))


@pytest.mark.parametrize("a,b", [
    ("Алексей", "Олексій"), ("Алексей", "Аляксей"), ("Николай", "Микола"), ("Николай", "Мікалай"),
    ("Serhii", "Sergey"), ("Mykola", "Nikolai"), ("Uladzimir", "Владимир"), ("Volodymyr", "Wladimir"),
    ("Zmitser", "Дмитрий"), ("Hanna", "Анна"), ("Eugene", "Евгений"), ("Ales", "Александр"),
    ("Sasha", "Александр"), ("Zhenya", "Евгения"), ("Masha", "Мария"), ("Nadya", "Надежда"),
    ("Lesha", "Алексей"),
])
def test_equivalent_given_names(a: str, b: str) -> None:
    assert same_class(a, b)


@pytest.mark.parametrize("a,b", [("Евгений", "Евгения"), ("Анна", "Яна"), ("Alla", "Ольга"),
                                 ("Иван", "Ян"), ("Юлий", "Юлия")])
def test_different_given_names(a: str, b: str) -> None:
    assert not same_class(a, b)


def test_gender_of_names_and_ambiguous_diminutives() -> None:
    table = given_names()
    assert table.gender("Yevgeny") == "m" and table.gender("Yevgenia") == "f"
    assert table.gender("Zhenya") is None  # Женя: Евгений or Евгения


def test_table_has_300_names_with_three_forms_and_a_header() -> None:
    text = resources.files("kartoteka").joinpath("data/names/given_names.yaml").read_text("utf-8")
    assert text.startswith("#") and "Sources:" in text
    entries = yaml.safe_load(text)["names"]
    assert len(entries) >= 300
    assert all(e["g"] in ("m", "f") and e.get("ru") and e.get("uk") and e.get("be") for e in entries)


@pytest.mark.parametrize("a,b", [
    ("Витя", "Віктор"), ("Ксана", "Оксана"), ("Тима", "Тимур"), ("Влад", "Владислав"), ("Bill", "Уильям"),
    ("Bob", "Robert"), ("Dick", "Ричард"), ("Andy", "Андрей"), ("Mike", "Майкл"), ("Michael", "Майкл"),
    ("Hüseyin", "Усеин"), ("Mohammed", "Магомед"), ("Giorgi", "Георгий"), ("Kate", "Екатерина"),
])
def test_short_and_international_forms(a: str, b: str) -> None:
    assert same_class(a, b)


def test_an_exactly_spelled_form_wins() -> None:
    """Витя is Виктор's diminutive, not the name Вита (which shares its key)."""
    assert given_names().gender("Витя") == "m" and given_names().gender("Вита") == "f"
    assert not same_class("Bill", "Bob") and not same_class("Petra", "Петро")


def test_the_table_from_the_cache_is_the_table_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """given_names() keeps its forms' keys in the user's cache; a process that reads them builds the same table."""
    from kartoteka.names import given

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    given.given_names.cache_clear()
    try:
        first = given.given_names()
        stored = list((tmp_path / "kartoteka" / "catalogs").glob("given-name-keys-*.marshal"))
        assert len(stored) == 1
        given.given_names.cache_clear()
        monkeypatch.setattr(given, "form_keys", lambda entries: pytest.fail("keys computed again"))
        cached = given.given_names()
        computed = given.GivenNames(first.entries)   # without the cache
        assert cached._by_key == computed._by_key and len(computed._by_key) > 500
        assert cached.class_ids("Олексій") == computed.class_ids("Aleksei") != frozenset()
    finally:
        given.given_names.cache_clear()
