"""Explanations are data, rendered in the reader's language."""

from kartoteka.domain.dates import parse_partial_date
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord
from kartoteka.matching.explain import reason, render, render_all
from kartoteka.web.i18n import translations


def test_render_nests_and_joins() -> None:
    r = reason("%(role)s %(word)s (%(how)s)", role=reason("surname"), word="X", how=reason("close (%(r)s)", r="0.9"))
    assert render(r) == "surname X (close (0.9))"
    assert render_all([reason("closest %(p)s:", p="P1"), reason("a"), reason("b")]) == "closest P1: a; b"


def test_a_result_renders_in_english_ukrainian_and_russian() -> None:
    m = Matcher([PersonRecord(1, "P1", "m", parse_partial_date("1980-01-01"),
                              [("Уилер Пол", "Уилер", "Пол", "")])])
    r = m.match(NameQuery("Paul Wheeler", parse_partial_date("1980-01-01")))
    assert r.explain() == r.explanation and "transliteration" in r.explanation
    uk, ru = r.explain(translations("uk").gettext), r.explain(translations("ru").gettext)
    assert "транслітерація" in uk and "народження 1980-01-01 в обох" in uk
    assert "транслитерация" in ru and "рождение 1980-01-01 в обоих" in ru
    none = m.match(NameQuery("Кто-то Неизвестный"))
    assert none.explain(translations("uk").gettext) == "у реєстрі немає особи з таким ім’ям"
