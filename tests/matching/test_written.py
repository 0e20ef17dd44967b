"""Dates and alternative spellings written inside a name cell."""

from kartoteka.domain.dates import PartialDate
from kartoteka.matching.written import split_written


def test_split_written() -> None:
    assert split_written("Иванов Иван Иванович, 1985 г.р.") == (["Иванов Иван Иванович"], PartialDate(1985))
    assert split_written("Иванов Иван (Ivanov Ivan), 12.03.1985") == (["Иванов Иван", "Ivanov Ivan"],
                                                                       PartialDate(1985, 3, 12))
    assert split_written("Navalny Alexei") == (["Navalny Alexei"], None)
    assert split_written("Петров 31.02.1990") == (["Петров"], None)  # an impossible date is not a date


def test_initials_keep_their_dots() -> None:
    assert split_written("Demidov B. K.") == (["Demidov B. K."], None)
    assert split_written("Melnik Iu., 1967") == (["Melnik Iu."], PartialDate(1967))


def test_capital_initials_are_not_abbreviations() -> None:
    assert split_written("Иванов Г. Р., 1985 г.р.") == (["Иванов Г. Р."], PartialDate(1985))
    assert split_written("Петров Р. Н.") == (["Петров Р. Н."], None)
