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


def test_compound_and_several_given_names() -> None:
    assert split_name("Сейдаметов Эмир-Усеин Ширинович") == NameParts("Сейдаметов", "Эмир-Усеин", "Ширинович")
    assert split_name("Сейдаметов Эмир Усеин Ширинович") == NameParts("Сейдаметов", "Эмир Усеин", "Ширинович")
    assert split_name("Хасанов Турпал-Али Саид-Салимович") == NameParts("Хасанов", "Турпал-Али", "Саид-Салимович")
    assert split_name("Монгуш Айлана Чертак-Ооловна").patronymic == "Чертак-Ооловна"


def test_turkic_patronymics() -> None:
    assert split_name("Алиев Рашид Ахмед оглы") == NameParts("Алиев", "Рашид", "Ахмед оглы")
    assert split_name("Алиева Лейла Ахмед кызы") == NameParts("Алиева", "Лейла", "Ахмед кызы")
    assert split_name("Мамедов Рашид Ахмедоглы") == NameParts("Мамедов", "Рашид", "Ахмедоглы")


def test_east_asian_surname_first() -> None:
    assert split_name("Kim Min Su") == NameParts("Kim", "Min Su", "")
    assert split_name("Nguyen Van An") == NameParts("Nguyen", "Van An", "")
    assert split_name("Ким Мин Су") == NameParts("Ким", "Мин Су", "")
    assert split_name("Ли Иван Петрович") == NameParts("Ли", "Иван", "Петрович")   # a patronymic: Russian order
    assert split_name("Alexei Navalny") == NameParts("Navalny", "Alexei", "")
