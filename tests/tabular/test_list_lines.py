"""Headings, captions, signatures and date lines of list documents are not rows; the list's own numbers
are the rows' ids; dates written with month names are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.reports.pdf import font_dir
from kartoteka.services.lists import read_list
from kartoteka.tabular.documents import list_from_text, open_list, parse_line
from kartoteka.tabular.list_lines import not_a_row

ANNEX = [
    "Приложение 2. Список лиц",
    "к Меморандуму от 12 марта 2024 г.",
    "Список лиц, подлежащих обмену",
    "1. Кораблёв Степан Ильич, 12.03.1985 г.р.",
    "2. Лапшина Вера Андреевна, 1990",
    "5. Тимофеев Глеб Олегович (родился 3 марта 1979 г.)",
    "Всего: 3 человека",
    "Начальник отдела ______________ И. И. Петров",
    "г. Москва, 14 марта 2024 г.",
    "М.П.",
]


@pytest.mark.parametrize("line", [ANNEX[0], ANNEX[2], ANNEX[6], ANNEX[7], ANNEX[8], ANNEX[9],
                                  "Додаток 1 до Меморандуму", "Перелік осіб, які підлягають обміну",
                                  "Annex 1. List of persons to be exchanged", "Київ, 12 березня 2024 року",
                                  "Директор Департаменту /підпис/ О. Петренко", "Страница 2 из 3"])
def test_headings_signatures_and_date_lines_are_not_rows(line: str) -> None:
    assert not_a_row(line) and parse_line(line) is None


@pytest.mark.parametrize("line", ["Кораблёв Степан Ильич", "Г. И. Петров", "KOVALENKO Oleksandr 1985",
                                  "Шевчук Марія Петрівна, 5 травня 1990 року"])
def test_names_stay_rows(line: str) -> None:
    assert not not_a_row(line) and parse_line(line) is not None


def test_pasted_annex_gives_three_persons_with_their_list_numbers() -> None:
    entries = read_list(list_from_text("\n".join(ANNEX))).entries
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in entries] == [
        ("1", "Кораблёв Степан Ильич", "1985-03-12"), ("2", "Лапшина Вера Андреевна", "1990"),
        ("5", "Тимофеев Глеб Олегович", "1979-03-03")]


def test_pdf_annex_heading_and_signature_are_not_persons(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    for line in ANNEX:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "annex.pdf"
    pdf.output(str(path))
    entries = read_list(open_list(path)).entries
    assert [(e.id, e.name) for e in entries] == [("1", "Кораблёв Степан Ильич"), ("2", "Лапшина Вера Андреевна"),
                                                 ("5", "Тимофеев Глеб Олегович")]


def test_docx_numbering_column_gives_row_ids_and_section_rows_are_skipped(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Додаток 2. Перелік осіб")
    t = doc.add_table(rows=1, cols=3)
    for cell, text in zip(t.rows[0].cells, ("№ з/п", "ПІБ", "Дата народження")):
        cell.text = text
    section = t.add_row().cells
    section[0].merge(section[2]).text = "Громадяни України"
    for number, name, born in (("7", "Гончаренко Ярина Богданівна", "05.06.1994"), ("9", "Мельничук Тарас", "березень 1988")):
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, name, born
    doc.add_paragraph("Київ, 12 березня 2024 року")
    path = tmp_path / "annex.docx"
    doc.save(str(path))
    entries = read_list(open_list(path)).entries
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in entries] == [
        ("7", "Гончаренко Ярина Богданівна", "1994-06-05"), ("9", "Мельничук Тарас", "1988-03")]


def test_a_month_word_is_found_in_any_case_where_the_words_alone_find_it() -> None:
    """The pattern rules out places where no month word begins; it finds what the words alone find, in every
    case (a capital, an upper-case word, a Kelvin sign or a long s that folds to a month's first letter)."""
    import re

    from kartoteka.tabular.list_lines import word_date
    from kartoteka.tabular.vocab import month_words

    names = "|".join(sorted((re.escape(w) for w in month_words()), key=len, reverse=True))
    words_alone = re.compile(rf"(?<!\w)((?:\d{{1,2}}\s+)?(?:{names})\.?(?:\s+\d{{1,2}},)?\s+(?:19|20)\d{{2}})(?!\d)",
                             re.IGNORECASE)
    lines = [f"{n}. Іваненко Олег, {n % 28 + 1} {form}{dot} {day}{1890 + n % 140} р.н., {tail}"
             for n, w in enumerate(sorted(month_words()))
             for form in (w, w.upper(), w.capitalize(), w.swapcase()) for dot in ("", ".")
             for day, tail in (("", "Київ"), (f"{n % 9 + 1}, ", "—" * 50))]
    lines += ["\u212aarch 1985", "\u017fept 1990", "ſeptember 1990", " " * 5_000 + "March 1985", "(" * 3_000,
              "12 березня1985", "Берёзов Март 1985", "12 марта 19851", "x12 марта 1985"]
    found = [m.group(1) if (m := word_date(line)) else None for line in lines]
    assert found == [m.group(1) if (m := words_alone.search(line)) else None for line in lines]
    assert sum(f is not None for f in found) >= 8 * len(month_words())   # most forms are found at all
