"""Lists as they arrive, third round: the limits a previous probe left (an Excel date serial kept as text in a birth
date column, the header under title rows in every format, a one-word place title between person rows, a Word list
numbered by Word's numbering) and new messy files built here (a cp1251 CSV with a Ukrainian header and spaces
after its semicolons, a workbook with merged titles and totals, a DOCX table whose header is repeated on every page,
an annex PDF, a pasted text mixing Latin and Cyrillic, Crimean Tatar and hyphenated names, birth dates as "1985
г.р.", "15.03.85", "1985-03", "03.1980"). Every person is read once, with the name, number and birth date the file
gives; titles, totals and repeated headers are not persons. All persons are invented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl import Workbook

from kartoteka.errors import translate
from kartoteka.services.lists import ListInput, excel_serial, read_list
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.list_lines import not_a_row, places, section_title
from kartoteka.web.i18n import translations


def _people(listing: ListInput) -> list[tuple[str, str, str]]:
    return [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries]


def _not_persons(listing: ListInput) -> list[str]:
    return [p.split("and was not vetted: ", 1)[1] for p in listing.problems if "is not a person" in p]


def _book(path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), text_columns: str = "") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    for column in text_columns:   # a column formatted as text ("@"), as a birth date column often is
        for cell in ws[column]:
            cell.number_format = "@"
    wb.save(path)
    return path


def _docx_table(doc: object, rows: list[tuple[str, ...]]) -> object:
    table = getattr(doc, "add_table")(rows=0, cols=len(rows[0]))
    for cells in rows:
        for cell, text in zip(table.add_row().cells, cells):
            cell.text = text
    return table


# -- 1. an Excel date serial in a birth date column ------------------------------------------------------------

@pytest.mark.parametrize(("text", "iso"), [
    ("23456", "1964-03-20"), ("23456.0", "1964-03-20"), ("23456,0", "1964-03-20"), (" 33010 ", "1990-05-17"),
    ("10000", "1927-05-18"),
    ("1985", None), ("1930", None), ("2026", None),     # a four-digit number is a year, never a serial
    ("99999", None),                                     # 2173: no one on a list was born then
    ("23456.5", None), ("123456", None), ("12.03.1985", None), ("", None),
])
def test_excel_serial(text: str, iso: str | None) -> None:
    found = excel_serial(text)
    assert (found.iso() if found else None) == iso


def test_a_serial_in_a_birth_date_column_is_read_as_its_date_and_said(tmp_path: Path) -> None:
    """Before: "33010" (a column formatted as text) or the number 31081 in a birth date column was 'not understood'
    and the row matched by name only. The serial in another column (a case number) is left as written."""
    path = _book(tmp_path / "l.xlsx", [["Прізвище", "Ім'я", "Дата народження", "Номер справи"],
                                       ["Сорокина", "Мария", "33010", "31081"], ["Коваленко", "Олександр", 31081, ""],
                                       ["Мельник", "Андрій", "1992", ""], ["Петров", "Иван", "99999", ""]],
                 text_columns="C")
    listing = read_list(open_list(path))
    assert _people(listing) == [("2", "Сорокина Мария", "1990-05-17"), ("3", "Коваленко Олександр", "1985-02-03"),
                                ("4", "Мельник Андрій", "1992"), ("5", "Петров Иван", "")]
    assert listing.entries[0].raw["Номер справи"] == "31081"
    said = [p for p in listing.problems if "Excel date number" in p]
    assert said == ["row 2: birth date '33010' is an Excel date number, read as 1990-05-17",
                    "row 3: birth date '31081' is an Excel date number, read as 1985-02-03"]
    assert any("row 5: birth date '99999' not understood" in p for p in listing.problems)
    assert "прочитано як 1990-05-17" in translate(said[0], translations("uk").gettext)
    assert "прочитана как 1990-05-17" in translate(said[0], translations("ru").gettext)


def test_a_serial_through_csv_and_in_a_docx_table(tmp_path: Path) -> None:
    csv = tmp_path / "l.csv"
    csv.write_text("ФИО;Дата рождения\nСорокина Мария;33010.0\nИванов Петр;1978\n", encoding="utf-8")
    assert _people(read_list(open_list(csv))) == [("2", "Сорокина Мария", "1990-05-17"), ("3", "Иванов Петр", "1978")]
    doc = Document()
    _docx_table(doc, [("ПІБ", "Дата народження"), ("Сорокина Мария", "33010")])
    path = tmp_path / "l.docx"
    doc.save(str(path))
    assert [e.birth.iso() for e in read_list(open_list(path)).entries if e.birth] == ["1990-05-17"]


def test_a_serial_outside_a_birth_date_column_is_no_date(tmp_path: Path) -> None:
    """A one-column list: "33010" there is no birth date (and the list has none)."""
    path = tmp_path / "l.csv"
    path.write_text("ПІБ;Примітка\nКуку Емір-Усеїн;33010,0\n", encoding="cp1251")
    listing = read_list(open_list(path))
    assert _people(listing) == [("2", "Куку Емір-Усеїн", "")] and listing.entries[0].raw["Примітка"] == "33010,0"


# -- 2. the header under title rows -----------------------------------------------------------------------------

def test_xlsx_and_csv_headers_under_a_title_and_a_date(tmp_path: Path) -> None:
    """These worked before (tests/tabular/test_reader_header.py); pinned here with a merged title and a date row."""
    xlsx = _book(tmp_path / "l.xlsx", [["Список лиц, подлежащих обмену"], ["01.11.2026"], ["№", "ФИО", "Дата рождения"],
                                       [1, "Кравец Олег Иванович", "1970"]], merges=("A1:C1",))
    csv = tmp_path / "l.csv"
    csv.write_text("Список лиц, подлежащих обмену;;\n01.11.2026;;\n№;ФИО;Дата рождения\n1;Кравец Олег Иванович;1970\n",
                   encoding="utf-8")
    for path in (xlsx, csv):
        listing = read_list(open_list(path))
        assert _people(listing) == [("1", "Кравец Олег Иванович", "1970")]
        assert "the header is in row 3; the 2 row(s) above it (a title, a date) were not read as data" in \
            listing.problems


def test_a_docx_table_whose_first_rows_are_its_title(tmp_path: Path) -> None:
    """Before: the title merged across the table's first row was taken for the header, and the list refused ("no
    name column found among Список лиц ...")."""
    doc = Document()
    table = _docx_table(doc, [("", "", ""), ("01.11.2026", "", ""), ("№", "ПІБ", "Дата народження"),
                              ("1", "Іваненко Петро", "1980"), ("2", "Мороз Ганна", "1981")])
    title = getattr(table, "cell")(0, 0).merge(getattr(table, "cell")(0, 2))
    title.text = "Список осіб, що підлягають обміну"
    path = tmp_path / "l.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Іваненко Петро", "1980"), ("2", "Мороз Ганна", "1981")]
    assert "the header is in row 3; the 2 row(s) above it (a title, a date) were not read as data" in listing.problems


def test_a_docx_title_in_a_table_of_its_own_and_a_header_with_one_known_column(tmp_path: Path) -> None:
    """Before: the one-cell title table was taken for the list (its title a name), and a header naming only the
    name column ("ПІБ | Місце | Статус") under a title row was not found."""
    doc = Document()
    _docx_table(doc, [("Список осіб, що підлягають обміну",)])
    _docx_table(doc, [("Станом на 01.11.2026", "", ""), ("ПІБ", "Місце", "Статус"),
                      ("Сейтумеров Ерфан Енверович", "Сімферополь", "ув'язнений"), ("Іваненко Петро", "", "")])
    path = tmp_path / "l.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert [e.name for e in listing.entries] == ["Сейтумеров Ерфан Енверович", "Іваненко Петро"]
    assert listing.entries[0].raw["Місце"] == "Сімферополь"


# -- 3. a one-word place title between person rows ----------------------------------------------------------------

@pytest.mark.parametrize("title", ["Крым", "Донбасс", "Херсонщина", "Запорожье", "Беларусь", "Крим", "Донбас:", "КРЫМ",
                                   "II. Беларусь", "Crimea", "Кабардино-Балкария", "Нова Каховка", "Куп’янськ"])
def test_a_one_word_place_is_a_section_title(title: str) -> None:
    assert section_title(title) and not_a_row(title, lone_cell=True) and not_a_row(title)


@pytest.mark.parametrize("name", ["Иванов", "Ковальчук", "Крымов", "Кримський Олег", "Krym Anna", "Москва", "Орел",
                                  "Донбасов Петр"])
def test_a_surname_alone_or_a_name_like_a_place_is_a_person(name: str) -> None:
    assert not section_title(name) and not not_a_row(name, lone_cell=True)


def test_no_place_in_the_catalog_is_a_surname_or_a_given_name_the_name_catalogs_know() -> None:
    """data/places.yaml holds names no person bears: a one-word row that is a surname is a person."""
    from importlib import resources

    from kartoteka import yamldata

    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [str(value)]

    names: set[str] = set()
    for name in ("surnames", "given_names"):
        data = yamldata.safe_load(resources.files("kartoteka").joinpath(f"data/names/{name}.yaml").read_text("utf-8"))
        names |= {w.lower().replace("ё", "е") for s in strings(data) for w in s.split()}
    assert len(names) > 500 and "иванов" in names
    assert len(places()) > 150
    assert sorted(p for p in places() if p in names) == []
    assert "николаев" not in places()   # Николаев is a surname: "Николаевщина" is the region's title


def test_one_word_place_titles_in_a_sheet_are_not_persons_and_a_surname_row_is(tmp_path: Path) -> None:
    """Before: "Крым", "Херсонщина", "Запорожье" were vetted as persons, and the empty number of those rows made the
    list's own numbers give way to row numbers."""
    path = _book(tmp_path / "l.xlsx", [["№", "ФИО", "Дата рождения"], [None, "Крым"], [1, "Сейтумеров Эрфан Энверович",
                                       "12.03.1985"], [None, "Херсонщина"], [2, "Иванов", ""], [None, "Запорожье"],
                                       [3, "Asanov Server", "1979"], [None, "Иванов"]])
    listing = read_list(open_list(path))
    assert [(e.row_no, e.name) for e in listing.entries] == [(3, "Сейтумеров Эрфан Энверович"), (5, "Иванов"),
                                                             (7, "Asanov Server"), (8, "Иванов")]
    assert _not_persons(listing) == ["Крым", "Херсонщина", "Запорожье"]
    numbered = read_list(open_list(_book(tmp_path / "n.xlsx", [["№", "ФИО"], [None, "Крым"], [1, "Иванов"],
                                                               [None, "Донбасс"], [2, "Петров Иван"]])))
    assert [(e.id, e.name) for e in numbered.entries] == [("1", "Иванов"), ("2", "Петров Иван")]   # the list's numbers


# -- 4. a Word list numbered by Word --------------------------------------------------------------------------------

def _restart(doc: object, style: str = "List Number") -> str:
    """A new w:num over the list of ``style`` that starts again at 1 (Word's "Restart at 1"); its numId."""
    numbering = getattr(doc, "part").numbering_part.element
    style_num = getattr(doc, "styles")[style].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(
        qn("w:val"))
    num = next(n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == style_num)
    abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    new = str(max(int(n.get(qn("w:numId"))) for n in numbering.iter(qn("w:num"))) + 1)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{new}"><w:abstractNumId w:val="{abstract}"/>'
                               f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    return new


def _numbered(paragraph: object, num_id: str, level: int = 0) -> None:
    getattr(paragraph, "_p").get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_paragraphs_numbered_by_word_are_one_person_each_with_their_number(tmp_path: Path) -> None:
    """Before: the numbers Word shows were not in the text, so the rows were known by their line numbers (3, 4, 5)."""
    doc = Document()
    doc.add_paragraph("Список осіб, що підлягають обміну")
    doc.add_paragraph("")
    for text in ("Сейтумеров Ерфан Енверович, 12.03.1985 р.н.", "Asanov Server, 1979", "Петренко-Коваль Олена Ігорівна",
                 "7. Мороз Ганна, 1981"):    # a number typed as well: kept as typed
        doc.add_paragraph(text, style="List Number")
    path = tmp_path / "l.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert [(e.row_no, e.id, e.name, e.birth_text) for e in listing.entries] == [
        (3, "1", "Сейтумеров Ерфан Енверович", "12.03.1985"), (4, "2", "Asanov Server", "1979"),
        (5, "3", "Петренко-Коваль Олена Ігорівна", ""), (6, "7", "Мороз Ганна", "1981")]


def test_bulleted_paragraphs_have_no_number(tmp_path: Path) -> None:
    doc = Document()
    for text in ("Куку Емір-Усеїн, 1976", "Asanov Server, 1979"):
        doc.add_paragraph(text, style="List Bullet")
    path = tmp_path / "l.docx"
    doc.save(str(path))
    assert _people(read_list(open_list(path))) == [("1", "Куку Емір-Усеїн", "1976"), ("2", "Asanov Server", "1979")]


def test_word_numbering_restarted_in_each_section(tmp_path: Path) -> None:
    """Numbered 1, 2 under "Крим" and again 1, 2 under "Херсонщина" (Word's "Restart at 1"): each row keeps the
    number Word shows, with its section, so that "Херсонщина / 1" is the row the negotiators call so. Before: the
    numbers were lost, and then the place titles were vetted as persons."""
    doc = Document()
    doc.add_paragraph("Додаток 1")
    doc.add_paragraph("Крим")
    for text in ("Сейтумеров Ерфан Енверович, 1985 р.н.", "Асанов Сервер, 1979"):
        doc.add_paragraph(text, style="List Number")
    doc.add_paragraph("Херсонщина")
    again = _restart(doc)
    for text in ("Петренко-Коваль Олена Ігорівна, 15.03.85", "Іваненко Петро, 03.1980"):
        _numbered(doc.add_paragraph(text, style="List Number"), again)
    path = tmp_path / "l.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("Крим / 1", "Сейтумеров Ерфан Енверович", "1985"), ("Крим / 2", "Асанов Сервер", "1979"),
                                ("Херсонщина / 1", "Петренко-Коваль Олена Ігорівна", "1985-03-15"),
                                ("Херсонщина / 2", "Іваненко Петро", "1980-03")]
    assert _not_persons(listing) == ["Додаток 1", "Крим", "Херсонщина"]
    said = [p for p in listing.problems if "anew in each section" in p]
    assert said == ["the list numbers its rows anew in each section: a row is identified by its section and its "
                    "number, as 'Херсонщина / 2'"]
    assert "нумеруються заново" in translate(said[0], translations("uk").gettext)
    assert "нумеруются заново" in translate(said[0], translations("ru").gettext)


def test_a_number_that_repeats_within_a_section_gives_way_to_row_numbers(tmp_path: Path) -> None:
    path = _book(tmp_path / "l.xlsx", [["№", "ФИО"], [None, "Крым"], [1, "Кравец Олег"], [1, "Шульга Нина"],
                                       [None, "Херсонщина"], [1, "Лесной Олег"]])
    listing = read_list(open_list(path))
    assert [e.id for e in listing.entries] == ["3", "4", "6"]
    assert any("the id column is empty or repeats values" in p for p in listing.problems)


def test_a_docx_number_column_numbered_by_word(tmp_path: Path) -> None:
    """The "№" cells are empty in the text, numbered by Word: each row has the number Word shows."""
    doc = Document()
    table = _docx_table(doc, [("№", "ПІБ", "Рік народження")])
    for name, year in (("Сейтумеров Ерфан Енверович", "1985"), ("Asanov Server", "1979")):
        row = getattr(table, "add_row")()
        row.cells[0].paragraphs[0].style = doc.styles["List Number"]
        row.cells[1].text, row.cells[2].text = name, year
    path = tmp_path / "l.docx"
    doc.save(str(path))
    assert _people(read_list(open_list(path))) == [("1", "Сейтумеров Ерфан Енверович", "1985"),
                                                   ("2", "Asanov Server", "1979")]


# -- new messy files --------------------------------------------------------------------------------------------------

def test_w1_a_cp1251_csv_with_a_ukrainian_header_and_spaces_after_its_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "w1.csv"
    path.write_bytes("\r\n".join([
        "ПІБ; Дата народження; Місце утримання",
        "Сейтумеров Ерфан Енверович; 1985 р.н.; СІЗО-2 м. Сімферополь",
        "Петренко-Коваль Олена Ігорівна; 15.03.85; ВК-7",
        "Asanov Server; 1985-03; ",
        "КУЗЬМЕНКО Тарас; 03/1979; ",
        "Бекіров Ленур Наріманович; 1979 г.р.; Ростов-на-Дону"]).encode("cp1251"))
    listing = read_list(open_list(path))
    assert _people(listing) == [("2", "Сейтумеров Ерфан Енверович", "1985"),
                                ("3", "Петренко-Коваль Олена Ігорівна", "1985-03-15"), ("4", "Asanov Server", "1985-03"),
                                ("5", "КУЗЬМЕНКО Тарас", "1979-03"), ("6", "Бекіров Ленур Наріманович", "1979")]
    assert listing.columns == {"name": "ПІБ", "birth_date": "Дата народження"}
    assert listing.entries[0].raw["Місце утримання"] == "СІЗО-2 м. Сімферополь"


def test_w2_a_workbook_with_merged_titles_place_sections_and_a_total(tmp_path: Path) -> None:
    path = _book(tmp_path / "w2.xlsx", [
        ["Список лиц, подлежащих обмену"], [None, None, None, None], ["по состоянию на 01.11.2026"],
        ["№ п/п", "ФИО", "Дата рождения", "Место содержания"],
        [None, "Крым"], [1, "Сейтумеров Эрфан Энверович", "12.03.1985", "СИЗО-2"], [2, "Абдурашитов Рустем-Бей", "1979"],
        [None, "Херсонщина"], [3, "Ковальчук-Ильина Анна Петровна", dt.datetime(1990, 1, 2), "СИЗО-1"],
        [4, "Иванов", "", ""], [None, "Запорожье"], [5, "Asanov Server", "33010", ""], ["Итого: 5 человек"]],
        merges=("A1:D1", "A3:D3", "B5:D5", "B8:D8", "B11:D11", "A13:D13"))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Сейтумеров Эрфан Энверович", "1985-03-12"), ("2", "Абдурашитов Рустем-Бей", "1979"),
                                ("3", "Ковальчук-Ильина Анна Петровна", "1990-01-02"), ("4", "Иванов", ""),
                                ("5", "Asanov Server", "1990-05-17")]
    assert _not_persons(listing) == ["Крым", "Херсонщина", "Запорожье", "Итого: 5 человек"]
    assert not any("the list says" in p for p in listing.problems)


def test_w3_a_docx_table_with_its_header_repeated_on_every_page(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Додаток 2 до Меморандуму")
    header = ("№ з/п", "Прізвище, ім'я, по батькові", "Дата народження", "Місце утримання")
    table = _docx_table(doc, [header, ("1", "2", "3", "4"), ("1", "Сейтумеров Ерфан Енверович", "12.03.1985", "СІЗО-2"),
                              ("2", "Asanov Server", "1979", ""), header, ("1", "2", "3", "4"),
                              ("3", "Петренко-Коваль Олена Ігорівна", "15.03.85", ""), ("", "Крим", "", ""),
                              ("4", "Джелялов Нариман Ремзійович", "1985 р.н.", "")])
    for row in list(getattr(table, "rows"))[:2]:   # the header, marked to repeat on every page
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    doc.add_paragraph("Уповноважений ______ О. Петрук")
    path = tmp_path / "w3.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Сейтумеров Ерфан Енверович", "1985-03-12"), ("2", "Asanov Server", "1979"),
                                ("3", "Петренко-Коваль Олена Ігорівна", "1985-03-15"),
                                ("4", "Джелялов Нариман Ремзійович", "1985")]
    assert _not_persons(listing) == ["Крим"]


def test_w4_a_sheet_printed_with_its_header_on_every_page(tmp_path: Path) -> None:
    """Before: the header repeated in row 5 was vetted as a person named "ФИО" born "Дата рождения", its row of column
    numbers as a person named "2", and the totals said 5 rows for 3."""
    header: list[object] = ["№", "ФИО", "Дата рождения"]
    path = _book(tmp_path / "w4.xlsx", [
        header, [1, 2, 3], [1, "Куку Эмир-Усеин", "1976"], [2, "Эмир-Усеинов Али", "15.03.85"], header, [1, 2, 3],
        [3, "Мамутов Ридван Ризаевич", "1985 г.р."], ["Всего по Крыму: 3"], [None, "Беларусь"],
        [4, "Лукашевич-Статкевич Ян", "1985-03"], ["Всего: 4"]])
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Куку Эмир-Усеин", "1976"), ("2", "Эмир-Усеинов Али", "1985-03-15"),
                                ("3", "Мамутов Ридван Ризаевич", "1985"), ("4", "Лукашевич-Статкевич Ян", "1985-03")]
    assert _not_persons(listing) == ["№ | ФИО | Дата рождения", "1 | 2 | 3", "Всего по Крыму: 3", "Беларусь", "Всего: 4"]
    assert not any("the list says" in p or "not understood" in p for p in listing.problems)


def test_w5_an_annex_pdf_with_place_sections(tmp_path: Path) -> None:
    from fpdf import FPDF

    from kartoteka.reports.pdf import font_dir

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    for lines in (["ПРИЛОЖЕНИЕ № 2", "к Меморандуму", "СПИСОК", "лиц, подлежащих освобождению", "Крым",
                   "1. Сейтумеров Эрфан Энверович, 12.03.1985 г.р.", "2. Asanov Server, 1979 г.р.", "Херсонщина",
                   "3. Петренко-Коваль Олена Ігорівна, 15.03.85", "Стр. 1"],
                  ["4. Джелялов Нариман Ремзиевич, 1985-03", "5. Бекиров Ленур, 1979", "Беларусь", "6. Иванов, 1970",
                   "Всего: 6 человек", "Стр. 2"]):
        pdf.add_page()
        pdf.set_font("DejaVu", size=10)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "w5.pdf"
    pdf.output(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Сейтумеров Эрфан Энверович", "1985-03-12"), ("2", "Asanov Server", "1979"),
                                ("3", "Петренко-Коваль Олена Ігорівна", "1985-03-15"),
                                ("4", "Джелялов Нариман Ремзиевич", "1985-03"), ("5", "Бекиров Ленур", "1979"),
                                ("6", "Иванов", "1970")]
    assert {"Крым", "Херсонщина", "Беларусь", "Всего: 6 человек"} <= set(_not_persons(listing))
    assert not any("the list says" in p for p in listing.problems)


def test_w6_a_pasted_list_mixing_latin_and_cyrillic(tmp_path: Path) -> None:
    """Before: "№5 Кримський Олег, 1980" was taken for a header line ("№ п/п ...") and the person lost."""
    path = tmp_path / "w6.txt"
    path.write_text("Список на обмін\n1. Asanov Server, 1979\n2. Сейтумеров Эрфан Энверович, 12.03.1985\n"
                    "3) Ivanenko-Petrenko Olha 15.03.85\n4. Мамутов Ридван Ризаевич 1985 г.р.\n№5 Кримський Олег, 1980\n"
                    "Донбас\n6. Чубаров-Асанов Ескендер Рустем огли, 1987\n7. Krym Anna, 1990\n№ 8 Умеров Ебазер\n",
                    encoding="utf-8")
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Asanov Server", "1979"), ("2", "Сейтумеров Эрфан Энверович", "1985-03-12"),
                                ("3", "Ivanenko-Petrenko Olha", "1985-03-15"), ("4", "Мамутов Ридван Ризаевич", "1985"),
                                ("5", "Кримський Олег", "1980"), ("6", "Чубаров-Асанов Ескендер Рустем огли", "1987"),
                                ("7", "Krym Anna", "1990"), ("8", "Умеров Ебазер", "")]
    assert _not_persons(listing) == ["Список на обмін", "Донбас"]


def test_w7_docx_paragraphs_with_tabs_and_a_month_and_year(tmp_path: Path) -> None:
    """Before: "03.1980" (a month and a year) was no date: the person was "Белоусов-Чорний Андрій 03." born 1980."""
    doc = Document()
    doc.add_paragraph("СПИСОК осіб")
    for text in ("1.\tКуку Емір-Усеїн\t25.06.1976 р.н.", "2.\tАсанов Сервер Ремзійович\t1979 р.н.",
                 "3.\tБілоусов-Чорний Андрій\t03.1980", "4.\tМороз Ганна\t3/1981"):
        doc.add_paragraph(text)
    path = tmp_path / "w7.docx"
    doc.save(str(path))
    assert _people(read_list(open_list(path))) == [
        ("1", "Куку Емір-Усеїн", "1976-06-25"), ("2", "Асанов Сервер Ремзійович", "1979"),
        ("3", "Білоусов-Чорний Андрій", "1980-03"), ("4", "Мороз Ганна", "1981-03")]


def test_w8_a_google_sheets_csv_with_titles_places_and_a_total(tmp_path: Path) -> None:
    path = tmp_path / "w8.csv"
    path.write_text("\ufeffСписок осіб, що підлягають обміну,,\n01.11.2026,,\n,,\nПІБ,Дата народження,Примітка\n"
                    "Донбас,,\nШевчук Олена Петрівна,23.06.1979,\n\"Коваль-Шевчук Ігор\",1980-02,\"затриманий 2022, "
                    "Маріуполь\"\nКрим,,\nУмеров Ебазер,30.01.1975,\nРазом: 3,,\n", encoding="utf-8")
    listing = read_list(open_list(path))
    assert _people(listing) == [("6", "Шевчук Олена Петрівна", "1979-06-23"), ("7", "Коваль-Шевчук Ігор", "1980-02"),
                                ("9", "Умеров Ебазер", "1975-01-30")]
    assert listing.entries[1].raw["Примітка"] == "затриманий 2022, Маріуполь"
    assert _not_persons(listing) == ["Донбас", "Крим", "Разом: 3"]
    assert not any("the list says" in p for p in listing.problems)


def test_w9_an_english_tab_separated_list_with_a_title(tmp_path: Path) -> None:
    path = tmp_path / "w9.csv"
    path.write_text("List of persons to be exchanged\n\nFull name\tDate of birth\tPlace of detention\n"
                    "SERVER ASANOV\t1979\tSimferopol SIZO-1\nEmir-Usein Kuku\t25.06.1976\t\nCrimea\t\t\n"
                    "Olha Ivanenko-Petrenko\t15.03.85\t\n", encoding="utf-8")
    listing = read_list(open_list(path))
    assert _people(listing) == [("4", "SERVER ASANOV", "1979"), ("5", "Emir-Usein Kuku", "1976-06-25"),
                                ("7", "Olha Ivanenko-Petrenko", "1985-03-15")]
    assert _not_persons(listing) == ["Crimea"]


def test_w10_a_text_list_with_numbered_place_sections(tmp_path: Path) -> None:
    """Before: "III. Запорожье (Мелитополь)" (a place with its town in parentheses) was vetted as a person, and its
    empty number made the list's own numbers give way to row numbers."""
    path = tmp_path / "w10.txt"
    path.write_text("I. Крым\n1. Ахтемов Асан, 1985\nII. Херсонская область\n2. Мороз Ганна, 1981\n"
                    "III. Запорожье (Мелитополь)\n3. Лесной Олег, 1972\nБеларусь –\n4. Статкевич Ян, 1985\n",
                    encoding="utf-8")
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Ахтемов Асан", "1985"), ("2", "Мороз Ганна", "1981"), ("3", "Лесной Олег", "1972"),
                                ("4", "Статкевич Ян", "1985")]
    assert _not_persons(listing) == ["I. Крым", "II. Херсонская область", "III. Запорожье (Мелитополь)", "Беларусь –"]
    assert not section_title("Иванов (Крым)") and not section_title("Крым Иванов")


def test_w11_a_csv_with_abbreviated_headers_and_a_year_first_dotted_date(tmp_path: Path) -> None:
    """Before: "1978.11.30" (year first, with dots) was 'not understood' although "1978/11/30" was read."""
    path = tmp_path / "w11.csv"
    path.write_text("Ф.И.О.;Д.р.;Статья\nСорокина Мария Андреевна;17.05.1990;207.3\nИванов П.С.;1978.11.30;\n",
                    encoding="utf-8")
    listing = read_list(open_list(path))
    assert listing.columns == {"name": "Ф.И.О.", "birth_date": "Д.р."}
    assert _people(listing) == [("2", "Сорокина Мария Андреевна", "1990-05-17"), ("3", "Иванов П.С.", "1978-11-30")]
    assert not any("not understood" in p for p in listing.problems)


@pytest.mark.parametrize(("text", "expected"), [
    ("Мельник Андрій Іванович (Melnyk Andrii)", ("Мельник Андрій Іванович", "Melnyk Andrii")),
    ("Asanov Server (Асанов Сервер)", ("Asanov Server", "Асанов Сервер")),
    ("Эмир-Усеин Куку (Kuku Emir-Usein)", ("Эмир-Усеин Куку", "Kuku Emir-Usein")),
    ("Иванова (Петрова) Мария", ("Иванова (Петрова) Мария", "")),          # a maiden name: the same script
    ("Иванов Иван (задержан 2022)", ("Иванов Иван (задержан 2022)", "")),
    ("Иванов (Ivanov)", ("Иванов (Ivanov)", "")),                          # a one-word name
    ("Иванов Иван (Ivanov) (Ivan)", ("Иванов Иван (Ivanov) (Ivan)", "")),
])
def test_other_spelling(text: str, expected: tuple[str, str]) -> None:
    from kartoteka.tabular.documents import other_spelling

    assert other_spelling(text) == expected


def test_w12_names_with_their_latin_spelling_in_parentheses(tmp_path: Path) -> None:
    """Before: "Мельник Андрій Іванович (Melnyk Andrii)" was matched as a five-word name (and went to review)."""
    text = tmp_path / "w12.txt"
    text.write_text("1. Мельник Андрій Іванович (Melnyk Andrii), 1992\n2. Эмир-Усеин Куку (Kuku Emir-Usein), 1976\n"
                    "3. Иванова (Петрова) Мария, 1980\n", encoding="utf-8")
    listing = read_list(open_list(text))
    assert _people(listing) == [("1", "Мельник Андрій Іванович", "1992"), ("2", "Эмир-Усеин Куку", "1976"),
                                ("3", "Иванова Петрова Мария", "1980")]
    assert listing.entries[0].raw["other spelling"] == "Melnyk Andrii"
    sheet = _book(tmp_path / "w12.xlsx", [["ПІБ", "Рік народження"], ["Мельник Андрій Іванович (Melnyk Andrii)", "1992"]])
    listing = read_list(open_list(sheet))
    assert _people(listing) == [("2", "Мельник Андрій Іванович", "1992")]
    assert listing.entries[0].raw["ПІБ"] == "Мельник Андрій Іванович (Melnyk Andrii)"
    said = [p for p in listing.problems if "another script" in p]
    assert said == ["1 name(s) were followed by their spelling in another script (in parentheses or after a slash), as "
                    "'Мельник Андрій Іванович (Melnyk Andrii)': each was matched by the name before it, the other "
                    "spelling kept with the row"]
    assert "іншим алфавітом" in translate(said[0], translations("uk").gettext)
    assert "другим алфавитом" in translate(said[0], translations("ru").gettext)


def test_w13_totals_with_their_number_in_a_cell_of_its_own(tmp_path: Path) -> None:
    """Before: "Разом по розділу: | 1" and "Всего | 2" were vetted as persons (born '1', '2': 'not understood'), and
    "Итого: | | 2 чел." was a row without a name, not a total compared with the rows read."""
    path = _book(tmp_path / "w13.xlsx", [["№", "ПІБ", "Дата народження"], [1, "Мороз Ганна", "1981"],
                                         [None, "Разом по розділу:", 1], [2, "Лесной Олег", "1972"],
                                         ["Итого:", None, "2 чел."], [None, "Всего", "3"]])
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Мороз Ганна", "1981"), ("2", "Лесной Олег", "1972")]
    assert _not_persons(listing) == ["Разом по розділу: 1", "Итого: 2 чел.", "Всего 3"]
    assert [p for p in listing.problems if "the list says" in p] == [
        "row 6: the list says 3 persons, but 2 rows were read; a row may be missing or added"]
    doc = Document()
    _docx_table(doc, [("№", "ПІБ", "Рік народження"), ("1", "Мороз Ганна", "1981"), ("", "Усього:", "1")])
    docx = tmp_path / "w13.docx"
    doc.save(str(docx))
    listing = read_list(open_list(docx))
    assert _people(listing) == [("1", "Мороз Ганна", "1981")] and _not_persons(listing) == ["Усього: 1"]


def test_w14_an_annex_pdf_printed_as_a_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    from kartoteka.reports.pdf import font_dir

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=9)
    pdf.cell(0, 8, "Додаток 3. Перелік осіб", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(10, 70, 30, 40), first_row_as_headings=False) as table:
        for cells in (("№", "ПІБ", "Дата народження", "Місце утримання"),
                      ("1", "Сейтумеров Ерфан Енверович", "12.03.1985", "СІЗО-2 м. Сімферополь"),
                      ("2", "Абдуллаєв-Чорний Ескендер Рустем огли", "05.03.1987", "ВК-1"), ("3", "Asanov Server", "1979", ""),
                      ("", "Крим", "", "")):
            row = table.row()
            for text in cells:
                row.cell(text)
    path = tmp_path / "w14.pdf"
    pdf.output(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Сейтумеров Ерфан Енверович", "1985-03-12"),
                                ("2", "Абдуллаєв-Чорний Ескендер Рустем огли", "1987-03-05"), ("3", "Asanov Server", "1979")]
    assert listing.entries[0].raw["rest"] == "СІЗО-2 м. Сімферополь"
    assert _not_persons(listing)[-1] == "Крим"


def test_w15_a_word_list_numbered_on_two_levels(tmp_path: Path) -> None:
    """Places numbered on Word's first level ("1. Крим"), persons on its second, numbered anew under each place.
    Before: the numbered titles were vetted as persons ("1. Крим", "2. Херсонщина": a numbered title was no section
    title) and every row known by its line number."""
    doc = Document()
    num = doc.styles["List Number"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    for text, level in (("Крим", 0), ("Сейтумеров Ерфан Енверович, 1985", 1), ("Асанов Сервер, 1979", 1),
                        ("Херсонщина", 0), ("Мороз Ганна, 1981", 1)):
        _numbered(doc.add_paragraph(text), num, level)
    path = tmp_path / "w15.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert _people(listing) == [("Крим / 1", "Сейтумеров Ерфан Енверович", "1985"), ("Крим / 2", "Асанов Сервер", "1979"),
                                ("Херсонщина / 1", "Мороз Ганна", "1981")]
    assert _not_persons(listing) == ["1. Крим", "2. Херсонщина"]
    assert section_title("2. Запорожская область") and not section_title("2. Иванов Иван")


@pytest.mark.parametrize(("text", "iso"), [
    ("15.03.1985 (38 лет)", "1985-03-15"), ("15.03.1985 (39 років)", "1985-03-15"), ("15.03.1985, 39 лет", "1985-03-15"),
    ("1985 (38)", "1985"), ("15. 03. 1985", "1985-03-15"), ("03-1985", "1985-03"), ("15-03-85", "1985-03-15"),
    ("1978.11.30", "1978-11-30"), ("1985 г.р.", "1985"), ("15.03.85", "1985-03-15"), ("1985-03", "1985-03"),
])
def test_birth_dates_as_lists_write_them(text: str, iso: str) -> None:
    """Before: an age after the date, Word's spaces after the dots, a month and year or a two-digit year written with
    dashes were 'not understood' and the row matched by name only."""
    from kartoteka.services.lists import parse_birth

    assert parse_birth(text).iso() == iso


# ("15 03 1985" and "85 г.р." are read now: tests/tabular/test_birth_forms.py)
@pytest.mark.parametrize("text", ["(38)", "13-1985", "31-02-85", "85", "85 г."])
def test_what_stays_no_birth_date(text: str) -> None:
    from kartoteka.services.lists import parse_birth

    with pytest.raises(ValueError):
        parse_birth(text)


def test_w16_a_surname_column_beside_a_given_name_and_patronymic_column(tmp_path: Path) -> None:
    """Before: "Имя, отчество" was no column the list knew, and each person was vetted by the surname alone."""
    path = _book(tmp_path / "w16.xlsx", [["Фамилия", "Имя, отчество", "Дата рождения"],
                                         ["Сейтумеров", "Эрфан Энверович", "12.03.1985"], ["Куку", "Эмир-Усеин", "1976"]])
    listing = read_list(open_list(path))
    assert listing.columns["given_name"] == "Имя, отчество"
    assert _people(listing) == [("2", "Сейтумеров Эрфан Энверович", "1985-03-12"), ("3", "Куку Эмир-Усеин", "1976")]


def test_w17_a_docx_whose_dates_go_on_the_next_line(tmp_path: Path) -> None:
    """A name, then its date on a line of its own (a line break or the next paragraph), or its date with the cells after
    it ("1979 г.р., СИЗО-1"). Before: the last was 'not a person' and the row had no birth date. A note after a name
    ("2000 г. задержан") is no birth date."""
    doc = Document()
    first = doc.add_paragraph("1. Сейтумеров Эрфан Энверович")
    first.add_run().add_break()
    first.add_run("12.03.1985 г.р.")
    doc.add_paragraph("2. Куку Эмир-Усеин")
    doc.add_paragraph("25.06.1976 г.р.")
    doc.add_paragraph("3. Асанов Сервер,")
    doc.add_paragraph("1979 г.р., СИЗО-1")
    doc.add_paragraph("4. Мороз Ганна")
    doc.add_paragraph("2000 г. задержан")
    doc.add_paragraph("5. Лесной Олег")
    doc.add_paragraph("1972 Чуб Ян")
    path = tmp_path / "w17.docx"
    doc.save(str(path))
    listing = read_list(open_list(path))
    assert _people(listing)[:5] == [("1", "Сейтумеров Эрфан Энверович", "1985-03-12"), ("2", "Куку Эмир-Усеин", "1976-06-25"),
                                    ("3", "Асанов Сервер", "1979"), ("4", "Мороз Ганна", ""), ("5", "Лесной Олег", "")]
    assert listing.entries[2].raw["rest"] == "СИЗО-1"
    assert [e.name for e in listing.entries][5:] == ["Чуб Ян"]   # a name after the date: the next person
    assert "row 4: the birth date 1979 begins line 5, before 'СИЗО-1', and was read as this row's" in listing.problems
    said = next(p for p in listing.problems if "begins line" in p)
    assert "починає рядок 5" in translate(said, translations("uk").gettext)
    assert "начинает строку 5" in translate(said, translations("ru").gettext)


def test_w18_names_with_their_other_spelling_after_a_slash(tmp_path: Path) -> None:
    path = tmp_path / "w18.txt"
    path.write_text("1. Сейтумеров Эрфан / Seitumerov Erfan, 1985\n2. Асанов Сервер / Asanov Server, 1979\n"
                    "3. Мороз / Шевчук Ганна, 1981\n", encoding="utf-8")
    listing = read_list(open_list(path))
    assert _people(listing) == [("1", "Сейтумеров Эрфан", "1985"), ("2", "Асанов Сервер", "1979"),
                                ("3", "Мороз / Шевчук Ганна", "1981")]   # the same script: left as written
    assert listing.entries[0].raw["other spelling"] == "Seitumerov Erfan"


@pytest.mark.parametrize("title", ["Крым (3 человека)", "Херсонщина: 2 особи", "Крим – 4 особи", "Цивільні (12)",
                                   "Запорожская область (5 чел.)", "Военнопленные: 25 человек"])
def test_a_section_title_with_the_count_of_its_persons(title: str) -> None:
    """Before: a title with its count after it was vetted as a person ("Крым (3 человека)")."""
    assert section_title(title) and not_a_row(title, lone_cell=True)


@pytest.mark.parametrize("name", ["Иванов (2)", "Иванов Иван – 1985", "Мороз: 3", "Иванов Иван (1985)"])
def test_a_name_with_a_number_after_it_is_no_section_title(name: str) -> None:
    assert not section_title(name)


def test_w19_a_sheet_whose_section_titles_give_their_counts(tmp_path: Path) -> None:
    path = _book(tmp_path / "w19.xlsx", [["№", "ФИО", "Дата рождения"], ["Крым (2 человека)"], [1, "Ахтемов Асан", "1985"],
                                         [2, "Куку Эмир-Усеин", "1976"], ["Херсонщина: 1 особа"], [1, "Мороз Ганна", "1981"]])
    listing = read_list(open_list(path))
    assert _people(listing) == [("Крым / 1", "Ахтемов Асан", "1985"), ("Крым / 2", "Куку Эмир-Усеин", "1976"),
                                ("Херсонщина / 1", "Мороз Ганна", "1981")]
    assert _not_persons(listing) == ["Крым (2 человека)", "Херсонщина: 1 особа"]


@pytest.mark.parametrize(("headers", "expected"), [
    (["ФИО (рус.)", "ПІБ (укр.)", "Дата рождения"], {"name": "ФИО (рус.)", "birth_date": "Дата рождения"}),
    (["Full name (Latin)", "ФИО", "DOB (dd.mm.yyyy)"], {"name": "ФИО", "birth_date": "DOB (dd.mm.yyyy)"}),
    (["Фамилия Имя Отчество (полностью)", "Дата рождения (дд.мм.гггг)"],
     {"name": "Фамилия Имя Отчество (полностью)", "birth_date": "Дата рождения (дд.мм.гггг)"}),
    (["Ф.И.О", "Год рожд."], {"name": "Ф.И.О", "birth_date": "Год рожд."}),
    (["П.І.Б.", "Дата нар."], {"name": "П.І.Б.", "birth_date": "Дата нар."}),
    (["ПІБ", "Рік нар."], {"name": "ПІБ", "birth_date": "Рік нар."}),
    (["ФИО", "Д/р"], {"name": "ФИО", "birth_date": "Д/р"}),
    (["Фамилия, имя, отчество", "Число, месяц, год рождения"],
     {"name": "Фамилия, имя, отчество", "birth_date": "Число, месяц, год рождения"}),
    (["ФИО", "Пол (м/ж)"], {"name": "ФИО", "gender": "Пол (м/ж)"}),
])
def test_headers_with_a_remark_or_abbreviated(headers: list[str], expected: dict[str, str]) -> None:
    """Before: a remark in parentheses ("Дата рождения (дд.мм.гггг)") or an abbreviation ("Год рожд.", "Д/р") made the
    column unknown: the list was refused (no name column) or vetted without birth dates."""
    from kartoteka.tabular.columns import map_columns

    assert map_columns("persons", headers) == expected


def test_w20_a_sheet_under_a_title_whose_headers_carry_remarks(tmp_path: Path) -> None:
    path = _book(tmp_path / "w20.xlsx", [["Список осіб (станом на 01.11.2026)"], ["ПІБ (укр.)", "Дата нар. (дд.мм.рррр)",
                                                                                  "Примітка"],
                                         ["Сейтумеров Ерфан Енверович", "12.03.1985", ""]])
    listing = read_list(open_list(path))
    assert listing.columns == {"name": "ПІБ (укр.)", "birth_date": "Дата нар. (дд.мм.рррр)"}
    assert _people(listing) == [("3", "Сейтумеров Ерфан Енверович", "1985-03-12")]


def test_w21_a_name_cell_with_its_latin_spelling_on_a_second_line(tmp_path: Path) -> None:
    """Before: "Мельник Андрій Іванович\\nMelnyk Andrii" was matched as one five-word name."""
    sheet = _book(tmp_path / "w21.xlsx", [["ПІБ", "Дата народження"], ["Мельник Андрій Іванович\nMelnyk Andrii", "1992"],
                                          ["Asanov Server\nАсанов Сервер", "1979"], ["Иванов Иван\nIvan", "1980"]])
    doc = Document()
    table = _docx_table(doc, [("ПІБ", "Дата народження"), ("Мельник Андрій Іванович", "1992")])
    getattr(table, "cell")(1, 0).add_paragraph("Melnyk Andrii")
    docx = tmp_path / "w21.docx"
    doc.save(str(docx))
    assert _people(read_list(open_list(sheet))) == [("2", "Мельник Андрій Іванович", "1992"),
                                                    ("3", "Asanov Server", "1979"), ("4", "Иванов Иван Ivan", "1980")]
    listing = read_list(open_list(docx))
    assert _people(listing) == [("2", "Мельник Андрій Іванович", "1992")]
    assert listing.entries[0].raw["other spelling"] == "Melnyk Andrii"
