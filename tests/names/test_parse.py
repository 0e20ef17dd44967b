"""Splitting a written name (the import relies on it)."""

from kartoteka.names.parse import NameParts, guess_language, split_name


def test_orders() -> None:
    assert split_name("Сорокина Мария Андреевна") == NameParts("Сорокина", "Мария", "Андреевна")
    assert split_name("Мария Андреевна Сорокина") == NameParts("Сорокина", "Мария", "Андреевна")
    assert split_name("NAVALNY, Alexei") == NameParts("NAVALNY", "Alexei", "")
    assert split_name("Alexei NAVALNY") == NameParts("NAVALNY", "Alexei", "")
    assert split_name("Sorokina M. A.") == NameParts("Sorokina", "M.", "A.")
    assert split_name("Alexei Navalny") == NameParts("Navalny", "Alexei", "")


def test_language() -> None:
    assert guess_language("Олексій") == "uk" and guess_language("Аляксей Ўладзімір") == "be"
    assert guess_language("Navalny") == ""


def test_latin_with_diacritics_is_given_name_first() -> None:
    assert split_name("Liudmila Laškievič") == NameParts("Laškievič", "Liudmila", "")
