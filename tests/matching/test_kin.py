"""A changed surname: given name, patronymic and the full birth date agree with one person."""

from kartoteka.domain.dates import parse_partial_date
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord


def _m() -> Matcher:
    return Matcher([
        PersonRecord(1, "P1", "f", parse_partial_date("1985-04-04"), [("Петренко Ольга Сергеевна", "Петренко", "Ольга", "Сергеевна")]),
        PersonRecord(2, "P2", "f", parse_partial_date("1985-04-04"), [("Коваль Анна Сергеевна", "Коваль", "Анна", "Сергеевна")]),
        PersonRecord(3, "P3", "f", parse_partial_date("1985"), [("Бойко Ольга Сергеевна", "Бойко", "Ольга", "Сергеевна")]),
    ])


def test_changed_surname_is_a_review_candidate() -> None:
    r = _m().match(NameQuery("Ivanova Olha Serhiivna", parse_partial_date("1985-04-04")))
    assert (r.decision, r.ext_id) == ("review", "P1") and "changed surname" in r.explanation


def test_changed_surname_needs_every_part_and_the_full_date() -> None:
    m = _m()
    assert m.match(NameQuery("Иванова Ольга Сергеевна", parse_partial_date("1985-04-05"))).decision == "no_match"
    assert m.match(NameQuery("Иванова Ольга", parse_partial_date("1985-04-04"))).decision == "no_match"
    assert m.match(NameQuery("Иванова Ольга Петровна", parse_partial_date("1985-04-04"))).decision == "no_match"
    assert m.match(NameQuery("Иванова Ольга Сергеевна", parse_partial_date("1985"))).decision == "no_match"
