"""Files a new user really brings, as a probe found them: each is refused with a message in the reader's
language that names the file, the row and the column, no Python words, a non-zero exit, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from kartoteka.db.tables import assessments, audit_log, cases, name_keys, persons
from kartoteka.errors import InvalidInput
from kartoteka.services.ftm_import import import_ftm
from kartoteka.services.imports import import_file
from kartoteka.tabular.documents import open_pdf
from kartoteka.tabular.reader import open_table
from tests.cli.runner import run_cli
from tests.conftest import Db

PERSONS = "id;ФИО;Дата рождения;Пол\nN1;Иванова Мария Петровна;05.06.1990;ж\nN2;Петров Иван Сергеевич;1985;м\n"
PYTHON_WORDS = ("Traceback", "Error:", "zip file", "field larger", "codec", "workbook", "Stream has ended")


def _counts(db: Db) -> tuple[int, ...]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (persons, cases, assessments, audit_log, name_keys))


def _seeded(db: Db, tmp_path: Path) -> tuple[int, ...]:
    run_cli(db, "init")
    seed = tmp_path / "seed.csv"
    seed.write_text("id;ПІБ\nS1;Шевченко Олена Петрівна\n", "utf-8")
    run_cli(db, "import", "persons", str(seed))
    return _counts(db)


def _refused(db: Db, lang: str, *args: str) -> str:
    out = run_cli(db, "--lang", lang, *args, code=1)
    assert not any(w in out for w in PYTHON_WORDS), out
    return out


def test_a_column_mapped_twice_is_refused_not_half_read(db: Db, tmp_path: Path) -> None:
    """``--map ФИО=name --map Пол=name`` imported the gender column as the names (ж, м); a header given two fields
    kept the last one silently."""
    before = _seeded(db, tmp_path)
    sheet = tmp_path / "persons.csv"
    sheet.write_bytes(PERSONS.encode("cp1251"))
    out = _refused(db, "ru", "import", "persons", str(sheet), "--map", "ФИО=name", "--map", "Пол=name")
    assert "persons.csv" in out and "«name»" in out and "«ФИО»" in out and "«Пол»" in out and "двум столбцам" in out
    out = _refused(db, "uk", "import", "persons", str(sheet), "--map", "ФИО=name", "--map", "ФИО=surname")
    assert "ФИО=name" in out and "ФИО=surname" in out and "двічі" in out
    assert _counts(db) == before


def test_an_ftm_file_that_is_not_utf8_names_its_line(db: Db, tmp_path: Path) -> None:
    """A cp1251 or UTF-16 file (or any other file) given to ``import ftm`` ended in a UnicodeDecodeError traceback."""
    before = _seeded(db, tmp_path)
    good = '{"id": "e1", "schema": "Person", "properties": {"name": ["Коваль Іван"]}}\n'
    cp1251 = tmp_path / "entities.jsonl"
    cp1251.write_bytes(good.encode("utf-8") + good.replace("e1", "e2").encode("cp1251"))
    with pytest.raises(InvalidInput, match="entities.jsonl: line 2 is not UTF-8 text"):
        import_ftm(db.engine, path=cp1251, organisation="Org", actor="t")
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_text(good, "utf-16")
    out = _refused(db, "uk", "import", "ftm", str(utf16), "--source", "Org")
    assert "utf16.jsonl: рядок 1 — не текст UTF-8" in out
    bom = tmp_path / "bom.jsonl"   # saved by Notepad: a BOM before the first line is read, not refused
    bom.write_text(good, "utf-8-sig")
    assert import_ftm(db.engine, path=bom, organisation="Org", actor="t", dry_run=True).entities == 1
    assert _counts(db) == before


def test_a_damaged_workbook_is_named_in_the_readers_words(db: Db, tmp_path: Path) -> None:
    """A workbook cut short in a download said "XLSX workbook (File is not a zip file)" in a Russian message."""
    before = _seeded(db, tmp_path)
    wb = Workbook()
    wb.active.append(["ПІБ"])
    wb.active.append(["Коваль Іван"])
    whole = tmp_path / "whole.xlsx"
    wb.save(whole)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:400])
    for kind in ("persons", "registry"):
        out = _refused(db, "ru", "import", kind, str(cut))
        assert "cut.xlsx: не удаётся прочитать как книгу XLSX (файл повреждён" in out
    assert _counts(db) == before


def test_a_huge_cell_under_the_header_names_its_row_not_the_header(tmp_path: Path) -> None:
    """A 3 MB cell in row 2 was "row 2: unreadable header (field larger than field limit (200000) ...)"."""
    big = tmp_path / "big.csv"
    big.write_text("id;ПІБ\nN1;" + "А" * 3_000_000 + "\n", "utf-8")
    with pytest.raises(InvalidInput) as caught:
        open_table(big)
    text = str(caught.value)
    assert text.startswith("big.csv: row 2: a cell is over the limit of 20,000 characters")
    assert "header" not in text and "field larger" not in text
    later = tmp_path / "later.csv"   # further down than the rows read with the header: that row's problem
    later.write_text("id;ПІБ\n" + "".join(f"N{i};Особа{i} Тест\n" for i in range(30)) + "N99;" + "Б" * 300_000 + "\n",
                     "utf-8")
    table = open_table(later)
    list(table.rows)
    assert [(p.row, str(p.reason)[:40]) for p in table.problems] == [(32, "a cell is over the limit of 20,000 chara")]


def test_the_data_on_a_later_sheet_is_said_not_missing_columns(db: Db, tmp_path: Path) -> None:
    """An instructions page first and the rows on "Дані": the message said a column was missing, in English
    words ("'name' or 'surname'"), and nothing of the sheet that holds the rows."""
    before = _seeded(db, tmp_path)
    wb = Workbook()
    wb.active.title = "Інструкція"
    wb.active["A1"] = "Заповніть другий аркуш"
    data = wb.create_sheet("Дані")
    data.append(["id", "ПІБ"])
    data.append(["N1", "Коваль Іван"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    with pytest.raises(InvalidInput, match="missing required column 'name' or 'surname'"):
        import_file(db.engine, "persons", path, actor="t")
    out = _refused(db, "uk", "import", "persons", str(path))
    assert "two.xlsx: рядок 1 першого аркуша" in out and "«name» або «surname»" in out and "(Дані)" in out
    assert " or " not in out
    assert _counts(db) == before


def test_a_damaged_pdf_is_said_in_the_readers_words(tmp_path: Path) -> None:
    """A PDF cut short, given to ``vet``, was "не вдається прочитати PDF (Stream has ended unexpectedly)"."""
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + b"\x00\x17" * 200)
    with pytest.raises(InvalidInput, match="list.pdf: not a readable PDF \\(the file is damaged"):
        open_pdf(pdf)


def test_a_custody_mapping_typo_is_refused_not_passed_over(db: Db, tmp_path: Path) -> None:
    """``import custody --map`` passed over a field it did not know, a column the file lacks and a field given
    twice: the column the user named was then silently not read."""
    before = _seeded(db, tmp_path)
    sheet = tmp_path / "custody.csv"
    sheet.write_text("person_id;held_by;Місце;since\nS1;RU;СІЗО-1;2020\n", "utf-8")
    out = _refused(db, "uk", "import", "custody", str(sheet), "--map", "Місце=plce")
    assert "custody.csv: «plce» — не поле custody" in out
    out = _refused(db, "ru", "import", "custody", str(sheet), "--map", "Место=place")
    assert "custody.csv: соответствие называет столбец «Место», которого в файле нет" in out
    out = _refused(db, "uk", "import", "custody", str(sheet), "--map", "Місце=place", "--map", "since=place")
    assert "поле «place» двом стовпцям, «Місце» і «since»" in out
    assert _counts(db) == before


def test_a_sensitivity_written_in_ukrainian_or_russian_is_read(db: Db, tmp_path: Path) -> None:
    """"конфиденциально" was refused (the levels were only public/internal/confidential), and a "Чутливість"
    column was not read at all: a registry row marked confidential became an internal record."""
    _seeded(db, tmp_path)
    ru = tmp_path / "ru.csv"
    ru.write_text("id;ФИО;Чувствительность\nN1;Иванова Мария;конфиденциально\nN2;Петров Иван;ДСП\n"
                  "N3;Сидоров Пётр;публичный\n", "utf-8")
    run_cli(db, "--lang", "ru", "import", "persons", str(ru))
    uk = tmp_path / "uk.csv"
    uk.write_text("ПІБ;Чутливість\nКоваль Іван Петрович;конфіденційно\n", "utf-8")
    out = run_cli(db, "--lang", "uk", "import", "registry", str(uk))
    assert "Чутливість -> рівень доступу (sensitivity)" in out
    with db.engine.connect() as conn:
        got = dict(conn.execute(select(persons.c.ext_id, persons.c.sensitivity)).all())
    assert (got["N1"], got["N2"], got["N3"]) == ("confidential", "internal", "public")
    assert sorted(got.values()).count("confidential") == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("id;ПІБ;Чутливість\nN4;Бойко Петро;таємно\n", "utf-8")
    out = _refused(db, "uk", "import", "persons", str(bad))
    assert "bad.csv: рядок 2, стовпець «Чутливість»: «таємно»" in out


def test_a_header_twice_under_a_title_names_the_header_row(tmp_path: Path) -> None:
    """A header below a title line said "row 1: the header 'ПІБ' appears twice" though row 1 is the title."""
    sheet = tmp_path / "titled.csv"
    sheet.write_text("Список на 01.11.2026\n\nid;ПІБ;ПІБ;Дата народження\nN1;Шевченко Олена;x;1990\n", "utf-8")
    with pytest.raises(InvalidInput, match="titled.csv: row 3: the header 'ПІБ' appears twice"):
        open_table(sheet)
    wb = Workbook()
    wb.active["A1"] = "Список"
    wb.active.append(["id", "ПІБ", "Дата народження", "ПІБ"])
    wb.active.append(["N1", "Коваль Іван", "1990", "x"])
    book = tmp_path / "titled.xlsx"
    wb.save(book)
    with pytest.raises(InvalidInput, match="titled.xlsx: row 2: the header 'ПІБ' appears twice .columns 2 and 4"):
        open_table(book)


def test_a_workbook_or_pdf_renamed_csv_is_named_not_guessed_an_encoding(db: Db, tmp_path: Path) -> None:
    """An .xlsx, an old .xls or a PDF saved under a .csv name was "incorrect cp1251 encoding at row 1, byte 94 ...;
    name the encoding with --encoding": advice that cannot help."""
    before = _seeded(db, tmp_path)
    wb = Workbook()
    wb.active.append(["ПІБ"])
    wb.save(tmp_path / "book.xlsx")
    renamed = tmp_path / "list.csv"
    renamed.write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(InvalidInput, match="list.csv: not a text file: it begins as an Excel workbook"):
        open_table(renamed)
    out = _refused(db, "ru", "import", "persons", str(renamed))
    assert "это не текстовый файл" in out and "книга Excel" in out and "--encoding" not in out
    old = tmp_path / "old.csv"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    out = _refused(db, "uk", "vet", str(old), "-d", "guidelines-2013", "--out", str(tmp_path / "r.csv"))
    assert "старий файл Excel чи Word (.xls, .doc)" in out
    pdf = tmp_path / "pdf.csv"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    with pytest.raises(InvalidInput, match="pdf.csv: not a text file: it begins as a PDF document does"):
        open_table(pdf)
    assert _counts(db) == before


def test_a_recognition_problem_names_its_own_column(db: Db, tmp_path: Path) -> None:
    """Every refused recognition cell was named as the "organisation" column: a bad date, an unknown definition,
    an empty statement."""
    before = _seeded(db, tmp_path)
    sheet = tmp_path / "rec.csv"
    sheet.write_text("person_id;Організація;Заява;Дата;definition\nS1;Org;https://x;31.02.2020;\n"
                     "S1;Org;https://y;2020;nodef\nS1;Org;;2020;\n", "utf-8")
    out = _refused(db, "uk", "import", "recognitions", str(sheet))
    assert "rec.csv: рядок 2, стовпець «Дата»: дата заяви" in out
    assert "rec.csv: рядок 3, стовпець «definition»: невідоме визначення «nodef»" in out
    assert "rec.csv: рядок 4, стовпець «Заява»" in out
    assert _counts(db) == before


def test_a_custody_problem_names_its_own_column(db: Db, tmp_path: Path) -> None:
    """A bad date in "since" or "confirmed on", or an unknown party, was named as the custody column."""
    before = _seeded(db, tmp_path)
    sheet = tmp_path / "custody.csv"
    sheet.write_text("person_id;Хто утримує;Стан;Місце;З якого часу;Підтверджено\n"
                     "S1;RU;pretrial;СІЗО-1;31.02.2020;\nS1;ZZZZ;pretrial;СІЗО-2;2020;\n"
                     "S1;RU;released;;2020;1985-13-01\nS1;RU;СІЗО;;2020;\n", "utf-8")
    out = _refused(db, "uk", "import", "custody", str(sheet))
    assert "custody.csv: рядок 2, стовпець «З якого часу»:" in out
    assert "custody.csv: рядок 3, стовпець «Хто утримує»: «ZZZZ»" in out
    assert "custody.csv: рядок 4, стовпець «Підтверджено»:" in out
    assert "custody.csv: рядок 5, стовпець «Стан»: 'СІЗО'" in out
    assert _counts(db) == before


def test_a_second_decision_in_an_assessments_file_is_said_in_words(db: Db, tmp_path: Path) -> None:
    """Two rows deciding one person under one definition for one organisation were "id 'P1|guidelines-2013|Org'
    appears again": a key made for the program, not words."""
    before = _seeded(db, tmp_path)
    sheet = tmp_path / "decisions.csv"
    sheet.write_text("person_id,definition,decision,decided_on,organisation,statement\n"
                     "S1,guidelines-2013,recognised,2025-01-01,OrgZ,https://x\n"
                     "S1,guidelines-2013,not_recognised,2025-02-01,OrgZ,https://y\n", "utf-8")
    out = _refused(db, "ru", "import", "assessments", str(sheet))
    assert ("decisions.csv: строка 3, столбец «definition»: второе решение по персоне «S1» по определению "
            "«guidelines-2013» от «OrgZ» (первое — в строке 2)") in out
    assert "|" not in out
    assert _counts(db) == before


def test_a_broken_json_line_is_said_in_the_readers_words(db: Db, tmp_path: Path) -> None:
    """A JSON Lines file with a line cut in the middle said "некоректний JSON: Unterminated string starting at"."""
    before = _seeded(db, tmp_path)
    lines = tmp_path / "persons.jsonl"
    lines.write_text('{"id": "N1", "name": "Шевченко Олена"}\n{"id": "N2", "name": "Коваль\n'
                     '{"id": "N3" "name": "Бойко Петро"}\n', "utf-8")
    out = _refused(db, "uk", "import", "persons", str(lines))
    assert "persons.jsonl: рядок 2, стовпець «*»: некоректний JSON: лапки тексту не закрито" in out
    assert "persons.jsonl: рядок 3, стовпець «*»: некоректний JSON: бракує коми на символі 13" in out
    assert "Unterminated" not in out and "Expecting" not in out
    assert _counts(db) == before


def test_a_zip_that_is_not_a_workbook_is_said_in_the_readers_words(db: Db, tmp_path: Path) -> None:
    """A ZIP archive renamed .xlsx said "(KeyError: \"There is no item named '[Content_Types].xml' ...\")"."""
    import zipfile

    before = _seeded(db, tmp_path)
    book = tmp_path / "list.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("a.txt", "ПІБ\nКоваль Іван\n")
    out = _refused(db, "uk", "import", "persons", str(book))
    assert "list.xlsx: не вдається прочитати книгу XLSX (це архів ZIP, а не книга Excel" in out
    assert "KeyError" not in out and "Content_Types" not in out
    out = _refused(db, "ru", "vet", str(book), "-d", "guidelines-2013", "--out", str(tmp_path / "r.csv"))
    assert "это архив ZIP, а не книга Excel" in out
    assert _counts(db) == before


def test_an_empty_or_unreadable_json_lines_file_says_so(db: Db, tmp_path: Path) -> None:
    """An empty .jsonl, or one whose every line is broken, said a required column was missing ("found: no
    columns"); a ZIP renamed .docx said python-docx's "There is no item named '[Content_Types].xml'"."""
    import zipfile

    before = _seeded(db, tmp_path)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    assert "empty.jsonl: файл пуст" in _refused(db, "ru", "import", "persons", str(empty))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{bad\n{"id": "N1", "name": "Коваль\n', "utf-8")
    out = _refused(db, "uk", "import", "persons", str(broken))
    assert "broken.jsonl: жоден рядок файлу не вдалося прочитати як обʼєкт JSON" in out
    assert "broken.jsonl: рядок 2, стовпець «*»: некоректний JSON: лапки тексту не закрито" in out
    docx = tmp_path / "list.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("a.txt", "Коваль Іван")
    out = _refused(db, "uk", "vet", str(docx), "-d", "guidelines-2013", "--out", str(tmp_path / "r.csv"))
    assert "list.docx: не вдається прочитати документ DOCX (це архів ZIP, а не документ Word" in out
    assert _counts(db) == before


def test_vetting_a_json_lines_list_whose_every_line_is_broken_lists_its_lines(db: Db, tmp_path: Path) -> None:
    """``vet`` of a .jsonl whose lines are all broken said "no name column found among ;" (an empty list)."""
    _seeded(db, tmp_path)
    broken = tmp_path / "list.jsonl"
    broken.write_text('{bad\n{"name": "Коваль\n', "utf-8")
    out = _refused(db, "ru", "vet", str(broken), "-d", "guidelines-2013", "--out", str(tmp_path / "r.csv"))
    assert "list.jsonl: ни одну строку файла не удалось прочитать как объект JSON" in out
    assert "list.jsonl: строка 2, столбец «*»: некорректный JSON: кавычки текста не закрыты" in out
