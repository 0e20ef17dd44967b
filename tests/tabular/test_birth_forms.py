"""Birth dates as lists write them that were not understood: "15 03 1985" (day, month and year with spaces) and a
year of birth with its mark, "1985 г.р.", "1985 р.н.", and with two digits, "85 г.р." (1985: slashed.full_year).
What could mean something else ("85" alone, "85 г.", "85 лет") or cannot be a date ("31 02 1985", "03 15 1985") is
still refused, said with the text as written and the row. All persons are invented."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from kartoteka.errors import translate
from kartoteka.services.lists import parse_birth, read_list
from kartoteka.tabular.documents import list_from_text, open_list
from kartoteka.tabular.slashed import full_year, marked_year
from kartoteka.tabular.vocab import parse_loose_date
from kartoteka.web.i18n import translations


@pytest.mark.parametrize(("text", "iso"), [
    ("15 03 1985", "1985-03-15"), ("5 3 1985", "1985-03-05"), (" 15  03  1985 ", "1985-03-15"),
    ("15 03 1985 г.", "1985-03-15"), ("1985 03 15", "1985-03-15"),
])
def test_dates_with_spaces(text: str, iso: str) -> None:
    assert parse_loose_date(text).iso() == iso


@pytest.mark.parametrize(("text", "reason"), [
    ("31 02 1985", "'31 02 1985': day 31 does not exist in 1985-02"),
    ("03 15 1985", "'03 15 1985': month 15 does not exist"),      # month first: never guessed
    ("15 03 2099", "'15 03 2099' is in the future"),
    ("1985 15 03", "'1985 15 03': month 15 does not exist"),      # was read as 1985, the rest dropped
    ("15 03 85", "'15 03 85' is not a date"), ("15 03 1985 12", "'15 03 1985 12' is not a date"),
])
def test_impossible_dates_with_spaces_are_refused_as_written(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_loose_date(text)
    assert str(exc.value).startswith(reason)
    assert f"«{text.strip()}»" in translate(exc.value.args[0], translations("uk").gettext)


@pytest.mark.parametrize(("two", "year"), [(85, 1985), (0, 2000), (26, 2026), (27, 1927), (99, 1999), (5, 2005)])
def test_a_two_digit_year_is_within_the_last_hundred_years(two: int, year: int) -> None:
    assert full_year(two, today=date(2026, 12, 1)) == year


@pytest.mark.parametrize(("text", "year"), [
    ("85 г.р.", 1985), ("85г.р.", 1985), ("85 г. р.", 1985), ("85 р.н.", 1985), ("85 Р.Н.", 1985), ("р.н. 85", 1985),
    ("г.р.: 79", 1979), ("85 года рождения", 1985), ("01 року народження", 2001),
    ("85", None), ("85 г.", None), ("85 лет", None), ("85 р.", None), ("1985 г.р.", None), ("5 г.р.", None),
    ("85 г.р. 86", None), ("12.03.85 г.р.", None),
])
def test_marked_year(text: str, year: int | None) -> None:
    found = marked_year(text)
    assert (found.iso() if found else None) == (str(year) if year else None)


@pytest.mark.parametrize(("text", "iso"), [
    ("85 г.р.", "1985"), ("79 р.н.", "1979"), ("1985 г.р.", "1985"), ("1985 р.н.", "1985"), ("1985г.р.", "1985"),
    ("15 03 1985", "1985-03-15"), ("15 03 1985 р.н.", "1985-03-15"), ("д.р. 15 03 1985", "1985-03-15"),
])
def test_a_lists_birth_dates(text: str, iso: str) -> None:
    assert parse_birth(text).iso() == iso


@pytest.mark.parametrize("text", ["85", "85 г.", "85 лет", "31 02 1985", "03 15 1985 р.н.", "85 г.р. 1986"])
def test_what_stays_no_birth_date_in_a_list(text: str) -> None:
    with pytest.raises(ValueError):
        parse_birth(text)


def test_a_sheets_birth_column_with_spaces_and_marks_and_its_refusals_by_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["№", "ПІБ", "Дата народження"], [1, "Бондаренко Олег Вікторович", "15 03 1985"],
                [2, "Кравчук Ірина", "85 р.н."], [3, "Сорокін Павло Ігорович", "1979 г.р."],
                [4, "Лисенко Марія", "31 02 1985"], [5, "Гуменюк Тарас", "85"], [6, "Ткач Ганна", "03 15 1990"]):
        ws.append(row)
    wb.save(tmp_path / "список.xlsx")
    listing = read_list(open_list(tmp_path / "список.xlsx"))
    assert [(e.id, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        ("1", "1985-03-15"), ("2", "1985"), ("3", "1979"), ("4", ""), ("5", ""), ("6", "")]
    problems = [str(p) for p in listing.problems if p.startswith("row ")]
    assert problems == [
        "row 3: birth date '85 р.н.' has a two-digit year, read as 1985",
        "row 5: birth date '31 02 1985' not understood ('31 02 1985': day 31 does not exist in 1985-02); matched by "
        "name only",
        "row 6: birth date '85' not understood ('85' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY or a "
        "month name and year, e.g. 'March 2022')); matched by name only",
        "row 7: birth date '03 15 1990' not understood ('03 15 1990': month 15 does not exist); matched by name only"]
    ru = translate(next(p for p in listing.problems if p.startswith("row 3")), translations("ru").gettext)
    assert "85 р.н." in ru and "1985" in ru


def test_a_pasted_list_with_spaced_dates_and_marked_years(tmp_path: Path) -> None:
    listing = read_list(list_from_text("1. Бондаренко Олег Вікторович 15 03 1985\n"
                                       "2. Кравчук Ірина, 85 р.н., СІЗО-1 м. Сімферополь\n"
                                       "3. Ахмедов Рустем Ільмі огли, 79г.р.\n"
                                       "4. Сорокін Павло, 1979 р.н.\n"))
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        ("1", "Бондаренко Олег Вікторович", "1985-03-15"), ("2", "Кравчук Ірина", "1985"),
        ("3", "Ахмедов Рустем Ільмі огли", "1979"), ("4", "Сорокін Павло", "1979")]
