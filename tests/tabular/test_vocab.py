"""Dates as sheets write them and case statuses as a controlled vocabulary, in en/uk/ru/be."""

from __future__ import annotations

import pytest

from kartoteka.tabular.columns import map_columns
from kartoteka.tabular.vocab import normalise_status, parse_loose_date


@pytest.mark.parametrize("text, iso", [
    ("березень 2022", "2022-03"), ("12 марта 2022 г.", "2022-03-12"), ("March 12, 2022", "2022-03-12"),
    ("12 Mar 2022", "2022-03-12"), ("сакавік 2021", "2021-03"), ("5 травня 2023 р.", "2023-05-05"),
    ("12/03/2022", "2022-03-12"), ("2022/03/12", "2022-03-12"), ("03/2022", "2022-03"), ("1985 г.р.", "1985"),
    ("12.03.2022 г.", "2022-03-12"), ("2022-03-12", "2022-03-12"), ("лютого 1999", "1999-02"),
])
def test_dates_in_words_and_local_styles(text: str, iso: str) -> None:
    assert parse_loose_date(text).iso() == iso


@pytest.mark.parametrize("text, reason", [("31.02.2020", "does not exist"), ("foo 2022", "not a date"),
                                          ("березень", "not a date"), ("13/13/2020", "month 13")])
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_loose_date(text)


@pytest.mark.parametrize("text, value", [
    ("в СИЗО", "detained"), ("Под стражей", "detained"), ("під вартою", "detained"), ("Осуждён", "convicted"),
    ("осужден(а)", "convicted"), ("засуджена", "convicted"), ("асуджаны", "convicted"), ("released", "released"),
    ("обміняний", "exchanged"), ("", ""),
])
def test_case_statuses_are_one_value_each(text: str, value: str) -> None:
    assert normalise_status(text) == value


def test_unknown_status_is_none_until_mapped() -> None:
    assert normalise_status("этапирован в ИК") is None
    assert normalise_status("Этапирован в ИК", {"этапирован в ик": "transferred"}) == "transferred"


def test_registry_headers_in_four_languages() -> None:
    ru = map_columns("registry", ["№ п/п", "ФИО", "Дата рождения", "Статья УК", "Суд", "Приговор", "Статус", "Регион",
                                  "Источник", "Дата приговора"])
    assert ru == {"row_number": "№ п/п", "name": "ФИО", "birth_date": "Дата рождения", "articles": "Статья УК",
                  "court": "Суд", "sentence": "Приговор", "status": "Статус", "region": "Регион", "source": "Источник",
                  "verdict_on": "Дата приговора"}
    uk = map_columns("registry", ["№ з/п", "ПІБ", "Дата народження", "Стаття КК", "Вирок", "Регіон", "Джерело"])
    assert set(uk) == {"row_number", "name", "birth_date", "articles", "sentence", "region", "source"}
    be = map_columns("registry", ["Прозвішча", "Імя", "Дата нараджэння", "Артыкул", "Прысуд", "Крыніца"])
    assert be == {"surname": "Прозвішча", "given_name": "Імя", "birth_date": "Дата нараджэння", "articles": "Артыкул",
                  "sentence": "Прысуд", "source": "Крыніца"}
    en = map_columns("registry", ["No.", "Full name", "Date of birth", "Charges", "Sentence", "Status", "Source"])
    assert set(en) == {"row_number", "name", "birth_date", "articles", "sentence", "status", "source"}


def test_custody_states_and_categories_are_read_from_ids_and_labels_in_each_language() -> None:
    from kartoteka.tabular.vocab import normalise_value
    assert normalise_value("custody", "Домашній арешт") == "house_arrest"
    assert normalise_value("custody", "pre-trial detention") == "pretrial"
    assert normalise_value("custody", "serving sentence") == "serving_sentence"
    assert normalise_value("category", "Военнопленный (III Женевская конвенция)") == "prisoner_of_war"
    assert normalise_value("custody", "СИЗО-2") is None and normalise_value("category", "civilian") is None
    assert normalise_value("custody", "СИЗО-2", {"сизо-2 ": "pretrial"}) == "pretrial"   # a mapping wins
    assert normalise_value("category", "  ") == ""
    assert normalise_value("case_status", "Осуждён") == "convicted"
