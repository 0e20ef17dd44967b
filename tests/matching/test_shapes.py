"""Decisions on the name shapes of issue 13, against a registry of invented people (name parts only)."""

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord


def rec(pid: int, gender: str, born: str | None, s: str, g: str, p: str = "",
        others: tuple[tuple[str, ...], ...] = ()) -> PersonRecord:
    names: list[tuple[str, ...]] = [(" ".join(x for x in (s, g, p) if x), s, g, p), *others]
    return PersonRecord(pid, f"P{pid}", gender, parse_partial_date(born) if born else None, names)


REGISTRY = [
    rec(1, "m", "1984-03-02", "Сейдаметов", "Эмир-Усеин", "Ширинович"),
    rec(2, "m", "1977-03-03", "Дадаев", "Турпал-Али", "Саид-Салимович"),
    rec(3, "f", "1990-03-04", "Ооржак", "Айлана", "Чертак-Ооловна"),
    rec(4, "m", "1990-01-01", "Бойд", "Кевин"),
    rec(5, "m", "1970-02-02", "Уилер", "Пол"),
    rec(6, "m", "1975-05-05", "Роу", "Майкл"),
    rec(7, "m", "1980-06-06", "Мулен", "Филипп"),
    rec(8, "m", "1966-07-07", "Брэдшоу", "Джон", "Дэвид"),
    rec(9, "m", "1988-08-08", "Соковов", "Иван", "Васильевич"),
    rec(10, "m", "1979-09-09", "Малотський", "Станіслав"),
    rec(11, "m", "1981-10-10", "Мохотский", "Вячеслав"),
    rec(12, "m", "1985-11-11", "Куртбекиров", "Эрнест", "Энверович"),
    rec(13, "m", "1970-01-02", "Куликов", "Олег", "Иванович"),
    rec(14, "m", "1971-01-03", "Кашин", "Олег", "Петрович"),
    rec(15, "f", "1985-04-04", "Петренко", "Ольга", "Сергеевна",
        (("Гордиенко Ольга Сергеевна", "Гордиенко", "Ольга", "Сергеевна", "maiden"),)),
    rec(16, "m", "1992-02-02", "Арутюнян", "Ашот"),
    rec(17, "m", "1960-01-01", "Тимохин", "Тимур", "Русланович"),
    rec(18, "f", "1980-01-01", "Ткачук", "Оксана", "Ивановна"),
    rec(19, "m", "1980-01-01", "Гордеев", "Виктор", "Иванович"),
    rec(20, "m", "1970-05-05", "Смит", "Уильям"),
    rec(21, "m", "1969-05-05", "Мамедов", "Рашад", "Ахмед оглы"),
    rec(22, "m", "1975-06-07", "Шнайдер", "Юрген"),
    rec(23, "m", "1983-02-01", "Иванов", "Сергей", "Олегович"),
    rec(24, "m", "1961-12-12", "Браун", "Вернер", "", (("фон Браун Вернер", "фон Браун", "Вернер", "", "former"),)),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(REGISTRY)


def ask(m: Matcher, name: str, born: str | None = None, gender: str | None = None) -> tuple[str, str | None]:
    r = m.match(NameQuery(name, parse_partial_date(born) if born else None, Gender(gender) if gender else None))
    assert r.explanation and r.reasons
    return r.decision, r.ext_id


@pytest.mark.parametrize("name,born,expected", [
    ("Сейдаметов Эмир-Усеин Ширинович", "1984-03-02", "P1"),     # hyphenated given name (was no_match 0.40)
    ("Сейдаметов Эмир Усеин Ширинович", None, "P1"),             # the same written with spaces
    ("Emir-Useyin Seydametov", "1984-03-02", "P1"),
    ("Сейдаметов Эмир", "1984-03-02", "P1"),                      # one of the given names and the full date
    ("Дадаев Турпал-Али Саид-Салимович", None, "P2"),             # hyphenated patronymic
    ("Turpal Ali Said Salimovich Dadaev", None, "P2"),
    ("Ооржак Айлана Чертак-Ооловна", None, "P3"),
    ("Kevin Boyd", None, "P4"), ("Paul Wheeler", None, "P5"), ("Michael Rowe", None, "P6"),
    ("Philippe Moulin", None, "P7"), ("MOULIN, Philippe", "1980-06-06", "P7"),
    ("John Bradshaw", None, "P8"), ("John David Bradshaw", None, "P8"),   # a middle name, without and with
    ("Соковов Ивн Васильевич", "1988-08-08", "P9"),               # a typo the full date confirms
    ("Stanislav Malotsky", "1979-09-09", "P10"),                  # Ukrainian surname in Russian form
    ("Mokhotskii Vyacheslav", None, "P11"),
    ("Kurtbekir Ernest", "1985-11-11", "P12"),                    # Russified surname, date confirms
    ("Kulakov Oleg", "1970-01-02", "P13"),                        # a real-surname typo with a full date
    ("Ashot Harutyunyan", None, "P16"),
    ("Тима Тимохин", None, "P17"), ("Ксана Ткачук", None, "P18"), ("Витя Гордеев", None, "P19"),
    ("Bill Smith", None, "P20"),
    ("Mamedov Rashad Akhmed ogly", None, "P21"), ("Мамедов Рашад Ахмедович", None, "P21"),
    ("Jürgen Schneider", None, "P22"),
    ("Wernher von Braun", None, "P24"), ("Вернер Браун", None, "P24"),
    ("Sergei Ivanov", "1983-02-01", "P23"),                       # a common name with its date
    ("Гордиенко Ольга Сергеевна", None, "P15"),                   # a maiden name in the registry
])
def test_shapes_match(matcher: Matcher, name: str, born: str | None, expected: str) -> None:
    assert ask(matcher, name, born) == ("match", expected)


@pytest.mark.parametrize("name,born,expected", [
    ("Соковов Ивн", None, "P9"),                    # a typo with nothing to confirm it
    ("Kurtbekir Ernest", None, "P12"),              # Russified surname without date or patronymic
    ("Kulakov Oleg", None, "P13"),                  # Кулаков is a real surname: not Куликов undated
    ("Kozhin Oleg", None, "P14"),                   # Кожин is Кашин only after folding ж/ш, о/а
    ("Sidorova Olga Sergeevna", "1985-04-04", "P15"),   # a changed surname: given, patronymic, date agree
    ("Sergei Ivanov", None, "P23"),                 # a common name without a date or patronymic
])
def test_shapes_review(matcher: Matcher, name: str, born: str | None, expected: str) -> None:
    assert ask(matcher, name, born) == ("review", expected)


@pytest.mark.parametrize("name,born", [
    ("Сейдаметов Турпал-Али Ширинович", None),      # another compound given name: a relative
    ("Мамедов Рашад Вагиф оглы", None),              # another father
    ("Sidorova Olga Sergeevna", "1985-04-05"),      # a changed surname needs the same full date
    ("Kozhin Oleg", "1960-01-01"),
    ("Richard Wheeler", None),                      # a relative of P5
])
def test_shapes_no_match(matcher: Matcher, name: str, born: str | None) -> None:
    assert ask(matcher, name, born)[0] != "match"


def test_explanation_names_what_decided(matcher: Matcher) -> None:
    r = matcher.match(NameQuery("Sidorova Olga Sergeevna", parse_partial_date("1985-04-04")))
    assert "changed surname" in r.explanation and "Sidorova" in r.explanation
    r = matcher.match(NameQuery("Kulakov Oleg"))
    assert "real surname" in r.explanation and "Kulakov" in r.explanation
    r = matcher.match(NameQuery("Sergei Ivanov"))
    assert r.explanation.startswith("a common name")
    r = matcher.match(NameQuery("Гордиенко Ольга"))
    assert "maiden name" in r.explanation


def test_no_namesakes_claimed_when_no_name_matched(matcher: Matcher) -> None:
    """A person skipped for another birth date is counted only when the name itself matched (issue 13)."""
    r = matcher.match(NameQuery("Соковов Пётр Васильевич", parse_partial_date("1950-01-01")))
    assert r.decision == "no_match" and "registry person(s)" not in r.explanation
    r = matcher.match(NameQuery("Соковов Иван Васильевич", parse_partial_date("1950-01-01")))
    assert "1 registry person(s) with this name have other birth dates" in r.explanation
