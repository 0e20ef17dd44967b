"""Part comparisons: foldings, Russified surnames, fathers inside patronymics, compound given names."""

import pytest

from kartoteka.matching.compare import (compare_given, compare_patronymic, compare_surname, father_stems, folded,
                                        russified)
from kartoteka.matching.config import DEFAULT
from kartoteka.matching.tokens import make_token as t


@pytest.mark.parametrize("a,b,expected", [
    ("Kozhin", "Кашин", True), ("Кожин", "Кашин", True), ("Shilov", "Жилов", True),
    ("Kalesnikava", "Колесникова", False), ("Калеснікава", "Колесникова", False),   # akanye, not a folding
    ("Schukow", "Жуков", False), ("Zhukov", "Жуков", False), ("Navalny", "Навальный", False),
])
def test_folded(a: str, b: str, expected: bool) -> None:
    assert folded(a, b) is expected


def test_folded_surname_needs_a_date() -> None:
    sim = compare_surname(t("Kozhin"), t("Кашин"), DEFAULT)
    assert sim.needs == "date" and sim.score < 1.0
    assert compare_surname(t("Kashin"), t("Кашин"), DEFAULT).score == 1.0


def test_russified_surnames() -> None:
    assert russified(t("Kurtbekir"), t("Куртбекиров")) and russified(t("Абдулвапи"), t("Абдулвапиева"))
    assert not russified(t("Иванов"), t("Иванова"))
    sim = compare_surname(t("Kurtbekir"), t("Куртбекиров"), DEFAULT)
    assert sim.needs == "date_or_patronymic" and 0.8 < sim.score < 1.0


def test_turkic_and_russian_patronymics_name_the_same_father() -> None:
    assert father_stems(t("Ахмед-оглы")) & father_stems(t("Ахмедович"))
    assert compare_patronymic(t("Akhmed-ogly"), t("Ахмедович"), DEFAULT).score >= 0.9
    assert compare_patronymic(t("Рашид-кызы"), t("Ахмедовна"), DEFAULT).score == 0.0


def test_one_of_several_given_names_needs_corroboration() -> None:
    sim = compare_given(t("Эмир"), t("Эмир-Усеин"), DEFAULT)
    assert sim.needs == "date_or_patronymic" and 0.85 < sim.score < 1.0
    assert compare_given(t("Турпал"), t("Эмир-Усеин"), DEFAULT).score == 0.0


def test_short_typo_needs_a_full_date() -> None:
    sim = compare_given(t("Ивн"), t("Иван"), DEFAULT)
    assert sim.needs == "date" and sim.score > 0.7
    assert compare_given(t("Ян"), t("Иван"), DEFAULT).score == 0.0
