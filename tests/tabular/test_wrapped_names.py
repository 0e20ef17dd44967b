"""A name that wraps onto the next line of a PDF (or text) list is joined to its row, with a note; two persons'
rows are never joined. All names are invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace

from kartoteka.errors import translate
from kartoteka.reports.pdf import font_dir
from kartoteka.services.lists import ListInput, read_list
from kartoteka.tabular.documents import continued, list_from_text, open_list
from kartoteka.web.i18n import translations


def _pdf(path: Path) -> FPDF:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    return pdf


def _people(listing: ListInput) -> list[tuple[str, str, str]]:
    return [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries]


def test_pdf_lines_that_continue_a_name_are_joined_with_a_note(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path)
    for line in ("Додаток 2 до Меморандуму", "№ ПІБ Дата народження",
                 "12  Абдуллаєв Ескендер Рустем", "огли   05.03.1987",
                 "13  Кузнецова-Сидоренко Олександра", "Вікторівна 12.04.1990",
                 "14  Шевчук Богдан Миронович 21.08.1983 СІЗО-2", "Всього: 3 особи"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "annex.pdf"
    pdf.output(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("12", "Абдуллаєв Ескендер Рустем огли", "1987-03-05"),
                                ("13", "Кузнецова-Сидоренко Олександра Вікторівна", "1990-04-12"),
                                ("14", "Шевчук Богдан Миронович", "1983-08-21")]
    joined = [p for p in listing.problems if "the name goes on" in p]
    assert joined == [
        "row 3: the name goes on in line 4 and the lines were read as one person: Абдуллаєв Ескендер Рустем огли",
        "row 5: the name goes on in line 6 and the lines were read as one person: Кузнецова-Сидоренко Олександра "
        "Вікторівна"]
    assert listing.entries[0].notes == (joined[0],)
    assert not any("the list says" in p for p in listing.problems)   # three persons, as the total says
    uk = translate(joined[1], translations("uk").gettext)
    assert uk == "рядок 5: ім'я продовжується в рядку 6, і ці рядки прочитано як одну особу: Кузнецова-Сидоренко " \
                 "Олександра Вікторівна"
    assert translate(joined[0], translations("ru").gettext).startswith("строка 3: имя продолжается в строке 4")


@pytest.mark.parametrize("align", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_pdf_table_whose_name_cells_wrap(tmp_path: Path, align: str) -> None:
    """A real table: the text layer gives a wrapped cell's lines one by one, then the date cell on a line of its
    own (cells aligned to the top or the middle), or the number cell alone above the name (the middle)."""
    pdf = _pdf(tmp_path)
    with pdf.table(width=110, col_widths=(10, 55, 30), text_align="LEFT", v_align=align,
                   headings_style=FontFace(emphasis="")) as table:
        for cells in (("№", "ПІБ", "Дата народження"), ("1", "Абдуллаєв Ескендер Рустем огли", "05.03.1987"),
                      ("2", "Кузнецова-Сидоренко Олександра Вікторівна", "12.04.1990"),
                      ("3", "Шевчук Богдан Миронович", "21.08.1983")):
            row = table.row()
            for text in cells:
                row.cell(text)
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Абдуллаєв Ескендер Рустем огли", "1987-03-05"),
                                ("2", "Кузнецова-Сидоренко Олександра Вікторівна", "1990-04-12"),
                                ("3", "Шевчук Богдан Миронович", "1983-08-21")]
    assert sum("the name goes on" in p for p in listing.problems) == 2
    if align != "BOTTOM":   # the date cell's line after the name's
        dates = [p for p in listing.problems if "stands alone" in p]
        assert len(dates) == 2 and ": the birth date 05.03.1987 stands alone in line " in dates[0]
        assert ": дата народження 05.03.1987 стоїть окремо в рядку " in translate(dates[0], translations("uk").gettext)


ROW = {"id": "12", "name": "Абдуллаєв Ескендер Рустем", "birth_date": ""}


@pytest.mark.parametrize(("before", "line", "name", "born"), [
    (ROW, "огли 05.03.1987", "Абдуллаєв Ескендер Рустем огли", "05.03.1987"),
    ({**ROW, "birth_date": "05.03.1987"}, "огли", "Абдуллаєв Ескендер Рустем огли", "05.03.1987"),
    ({**ROW, "name": "Абдуллаєв Ескендер"}, "Рустем огли 1987", "Абдуллаєв Ескендер Рустем огли", "1987"),
    ({**ROW, "name": "Кузнецова-Сидоренко"}, "Олександра Вікторівна", "Кузнецова-Сидоренко Олександра Вікторівна", ""),
    ({**ROW, "name": "Гнатюк"}, "Остап 17.09.1984", "Гнатюк Остап", "17.09.1984"),
    ({**ROW, "id": ""}, "огли", "Абдуллаєв Ескендер Рустем огли", ""),   # a father's name needs no number
    (ROW, "05.03.1987", "Абдуллаєв Ескендер Рустем", "05.03.1987"),     # the date cell, alone
    (ROW, "1987 р.н.", "Абдуллаєв Ескендер Рустем", "1987"),
])
def test_what_a_row_lacks_is_joined(before: dict[str, str], line: str, name: str, born: str) -> None:
    joined = continued(before, line)
    assert joined is not None and (joined["name"], joined["birth_date"]) == (name, born)


@pytest.mark.parametrize(("before", "line"), [
    (ROW, "13 Вікторівна 12.04.1990"),                                  # a number of its own: a row
    ({**ROW, "birth_date": "1987"}, "огли 1988"),                       # two dates: two rows
    ({**ROW, "name": "Лозинська Дарина Олегівна"}, "Вікторівна"),        # the row has its father's name
    ({**ROW, "name": "Лозинська Дарина"}, "Стельмах Назар"),            # a given name the row has: a person
    ({**ROW, "name": "Лозинська Дарина"}, "Стельмах 1990"),
    ({**ROW, "name": "Гнатюк", "id": ""}, "Остап 1984"),                # unnumbered: may be two one-word rows
    (ROW, "Пилипчук Ярина Богданівна 30.06.1988"),                      # three words: a person
    (ROW, "Військовополонені"),                                         # a section title
    (ROW, "Всього: 3 особи"),
    (ROW, "уточнюється"),                                               # a note in lower case
    (ROW, "Начальник відділу ________ О. Петрук"),
    (ROW, "01.11.2026"),                                                # the document's date, not a birth date
    ({**ROW, "id": "1994"}, "1995"),                                    # the next row's number cell, not a year
    ({**ROW, "birth_date": "1987"}, "05.03.1987"),
    ({**ROW, "rest": "СІЗО-1"}, "Вікторівна 12.04.1990 СІЗО-2"),         # columns after the date on both lines
])
def test_two_rows_are_never_joined(before: dict[str, str], line: str) -> None:
    assert continued(before, line) is None


def test_a_text_list_and_a_pasted_list_join_the_same_way(tmp_path: Path) -> None:
    text = ("1. Лозинська Дарина Олегівна, 03.04.1991\n2. Кравчишин-Стельмах Денис\nІгорович, 05.11.1995\n"
            "3. Гнатюк Остап Ярославович\nПилипчук Ярина Богданівна 30.06.1988\nСтельмах Назар 14.02.2000\n")
    path = tmp_path / "list.txt"
    path.write_text(text, "utf-8")
    for listing in (read_list(open_list(path)), read_list(list_from_text(text))):
        assert [(e.name, e.birth_text) for e in listing.entries] == [
            ("Лозинська Дарина Олегівна", "03.04.1991"), ("Кравчишин-Стельмах Денис Ігорович", "05.11.1995"),
            ("Гнатюк Остап Ярославович", ""), ("Пилипчук Ярина Богданівна", "30.06.1988"),
            ("Стельмах Назар", "14.02.2000")]
        assert [p for p in listing.problems if "goes on" in p] == [
            "row 2: the name goes on in line 3 and the lines were read as one person: Кравчишин-Стельмах Денис "
            "Ігорович"]
