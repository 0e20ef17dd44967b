"""Part comparisons: foldings, Russified surnames, fathers inside patronymics, compound given names."""

import pytest

from kartoteka.matching.compare import (_far_apart, _fuzzy, compare_given, compare_patronymic, compare_surname,
                                        father_stems, folded, gender_pair, russified, russified_forms)
from kartoteka.matching.config import DEFAULT
from kartoteka.matching.tokens import Token, make_token as t


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


# Surnames, given names and patronymics in both scripts, and joined neighbours as a list row makes them
SHORTCUT_WORDS = ["Иванов", "Иванова", "Ivanov", "Ivanova", "Куртбекир", "Куртбекиров", "Kurtbekirova", "Абдулвапи",
                  "Абдулвапиева", "Навальный", "Навальная", "Navalnaya", "Соколов", "Sokolova", "Ким", "Ли", "Kim",
                  "Кара-Мурза", "Kara-Murza", "Mikhail-Anatolevitch", "Abramov-Mikhail", "Сергей-Петрович",
                  "Александровна", "Aleksandrovich", "Ткаченко", "Tkachenko", "Ткачук", "Эмир-Усеин", "Oglu", "Ян",
                  "Shcherbakova-Abramovich", "Щербакова", "Долгоруков-Крымский", "Ai", "Abdulvapiyev", "Jang"]


def _gender_pair_by_pairs(a: Token, b: Token) -> bool:   # the definition, pair of keys by pair of keys
    def feminine(key: str) -> set[str]:
        return ({key + "a"} if key.endswith(("v", "n")) else set()) | (
            {key[:-1] + "a"} if key.endswith("i") and len(key) > 3 else set())
    return any(abs(len(x) - len(y)) <= 1 and (y in feminine(x) or x in feminine(y)) for x in a.keys for y in b.keys)


def _russified_by_pairs(a: Token, b: Token) -> bool:   # with the length and beginning test it once made first
    return any((1 <= len(y) - len(x) <= 4 and y.startswith(x[:4]) or 1 <= len(x) - len(y) <= 4 and x.startswith(y[:4]))
               and (y in russified_forms(frozenset({x})) or x in russified_forms(frozenset({y})))
               for x in a.keys for y in b.keys)


def test_surname_shortcuts_say_what_the_pairwise_definitions_say() -> None:
    tokens = [t(w) for w in SHORTCUT_WORDS]
    apart = 0
    for a in tokens:
        for b in tokens:
            assert gender_pair(a, b) == _gender_pair_by_pairs(a, b), (a.text, b.text)
            assert russified(a, b) == _russified_by_pairs(a, b), (a.text, b.text)
            if _far_apart(a, b):   # nothing compare_surname looks for can agree: it says "different surname"
                apart += 1
                assert not a.keys & b.keys and not gender_pair(a, b) and not russified(a, b), (a.text, b.text)
                assert _fuzzy(a, b) == 0.0, (a.text, b.text)
                assert compare_surname(a, b, DEFAULT).how == "different surname"
    assert apart > 20   # joined neighbours against one-word surnames
    assert gender_pair(t("Соколов"), t("Sokolova")) and russified(t("Abdulvapiyev"), t("Абдулвапи"))
    assert not _far_apart(t("Kara-Murza"), t("Мурза"))   # near enough in length for _fuzzy: compared
