"""Cross-script keys: every scheme a list may use lands on the Cyrillic name's key."""

import re

import pytest

from kartoteka.names.keys import _apply, _starts, _tables, base_keys, plain_form, token_keys, tokens, without_particles


def same(a: str, b: str) -> bool:
    return bool(token_keys(a) & token_keys(b))


@pytest.mark.parametrize("latin", [
    "NAVALNYI",            # ICAO 9303
    "Navalnyy",            # MVD 310
    "Naval'nyy",           # BGN/PCGN strict
    "Navalʹnyĭ",           # Library of Congress with diacritics
    "Naval’nyj",           # ISO 9 / scholarly
    "Navalny",             # English and French press
    "Nawalny",             # German and Polish press
])
def test_navalny_in_every_scheme(latin: str) -> None:
    assert same(latin, "Навальный")


@pytest.mark.parametrize("latin,cyrillic", [
    ("Jaschin", "Яшин"), ("Iachine", "Яшин"), ("Jaszin", "Яшин"), ("Jašin", "Яшин"), ("Yashin", "Яшин"),
    ("TCOI", "Цой"), ("Tsoi", "Цой"), ("Zoi", "Цой"),                     # GOST Ц -> TC, German z
    ("Chodorkowski", "Ходорковский"), ("Khodorkovsky", "Ходорковский"), ("Xodorkovskij", "Ходорковский"),
    ("Ščerbakov", "Щербаков"), ("Szczerbakow", "Щербаков"), ("Schtscherbakow", "Щербаков"),
    ("Hryb", "Гриб"), ("Hryb", "Грыб"), ("Grib", "Грыб"),                 # KMU / Belarusian Г -> H
    ("Umierov", "Умєров"), ("Umerov", "Умєров"), ("Zghurskyi", "Згурський"),
    ("Kalinouski", "Каліноўскі"), ("Kalinowski", "Каліноўскі"),
    ("Fyodor", "Фёдор"), ("Fedor", "Фёдор"), ("IULIIA", "Юлия"), ("Yuliya", "Юлия"),
])
def test_transliterations(latin: str, cyrillic: str) -> None:
    assert same(latin, cyrillic)


def test_language_forms_of_surnames() -> None:
    assert same("Горинов", "Горінов")
    assert same("Калеснікава", "Колесникова")
    assert same("Kara-Murza", "Кара-Мурза") and same("KaraMurza", "Кара Мурза")


def test_keys_keep_different_names_apart() -> None:
    assert not same("Анна", "Яна")
    assert not same("Навальный", "Навальная")
    assert not same("Евгений", "Евгения")
    assert not same("Иванов", "Иваненко")


def test_tokens_drop_tie_bars_and_split_hyphens() -> None:
    assert tokens("Vali͡ant͡sin Guryn-Mat͡skevich") == ["Valiantsin", "Guryn", "Matskevich"]
    assert tokens("Sorokina M.A.") == ["Sorokina", "M", "A"]


def test_plain_form_keeps_letters_the_key_folds() -> None:
    assert plain_form("Rodionoa") == "rodionoa"
    assert plain_form("Родионова") == "rodionova"


@pytest.mark.parametrize("latin,cyrillic", [
    ("Wheeler", "Уилер"), ("Boyd", "Бойд"), ("Rowe", "Роу"), ("Bradshaw", "Брэдшоу"), ("John", "Джон"),
    ("Paul", "Пол"), ("Turner", "Тернер"), ("Wood", "Вуд"), ("Reid", "Рид"), ("Blake", "Блейк"),   # English
    ("Moulin", "Мулен"), ("Philippe", "Филипп"), ("Dupont", "Дюпон"), ("Girard", "Жирар"),        # French
    ("Mercier", "Мерсье"), ("Rousseau", "Руссо"),
    ("Schneider", "Шнайдер"), ("Neumann", "Нойман"), ("Meier", "Майер"), ("Stein", "Штайн"),       # German
    ("Dvořák", "Дворжак"), ("Krawczyk", "Кравчик"), ("Kowalski", "Ковальский"),                     # Czech, Polish
    ("Harutyunyan", "Арутюнян"), ("Jibladze", "Джибладзе"), ("Kvaratskhelia", "Кварацхелия"),     # Caucasus
    ("Cemil", "Джемиль"), ("Şevketov", "Шевкетов"), ("Xəlilov", "Халилов"),                         # Turkic Latin
    ("Malotsky", "Малотський"), ("Mokhotskii", "Мохотский"), ("Zaritskaya", "Зарицкая"),           # тс = ц
])
def test_foreign_names_meet_their_russian_renderings(latin: str, cyrillic: str) -> None:
    assert token_keys(latin) & token_keys(cyrillic)


def test_readings_do_not_merge_different_slavic_names() -> None:
    assert not token_keys("Kuzniatsou") & token_keys("Кузнецов")   # Belarusian Кузняцоў stays apart
    assert not token_keys("Kulakov") & token_keys("Куликов")


def test_particles_join_and_leave_a_surname() -> None:
    assert without_particles("фон-Браун") == "Браун" and without_particles("van der Berg") == "Berg"
    assert without_particles("Ван") == "Ван" and without_particles("de") == "de"
    assert token_keys("Браун") <= token_keys("фон-Браун") and token_keys("von-Braun") & token_keys("фон Браун")
    assert token_keys("Braun") & token_keys("фон-Браун")


def test_given_name_table_is_read_with_transliteration_keys_only() -> None:
    assert base_keys("Lesha") <= token_keys("Lesha") and len(base_keys("Wheeler")) < len(token_keys("Wheeler"))


@pytest.mark.parametrize("pattern,start", [
    ("(?<=[aeiou])h", "h"), ("^wr", "w"), ("c(?=[eiy])", "c"), ("^i+(?=e)", "i"), ("(?<=.)i+(?=[aeou])", "i"),
    ("(?:(?<=^b)|(?<=bb))a(?=d)", "a"),                       # lookbehinds in a branch consume nothing
    ("(?:ent|ant)$", None), ("e?s$", None), ("[^a-z]", None), ("(.)\\1+", None), ("x*", None), ("(?i)a", None),
])
def test_a_rule_is_tried_only_on_a_text_with_the_letter_its_matches_begin_with(pattern: str, start: str | None) -> None:
    assert _starts(re.compile(pattern)) == start


def test_rules_tried_by_their_first_letter_give_every_rule_applied() -> None:
    tables = _tables()
    assert sum(1 for rules in tables.readings.values() for rule in rules if rule[3] is not None) >= 20
    words = ["shchukin", "whitehead", "charlotte", "ioannes", "kurtbekir", "dzhugashvili", "eaux", "steiner",
             "harutyunyan", "jaqueline", "iesus", "wright", "knowles", "bowen", "bradshaw", "dupont", "gigi", "ouije"]
    words += ["".join(w[i:] + w[:i]) for w in words for i in (1, 3)]   # the letters in other places
    for rules in [*tables.readings.values(), tables.folds]:
        for word in words:
            every = word
            for literal, repl, sub, _start in rules:
                every = every.replace(literal, repl) if sub is None else sub(repl, every)
            assert _apply(rules, word) == every, word
