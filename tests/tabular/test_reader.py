from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput
from kartoteka.tabular.reader import open_table

ROWS = [["id", "ФИО", "Дата рождения"], ["1", "Иванов Иван Иванович", "01.02.1980"],
        ["2", "Шевченко Олена Петровна", "1975"]]


def _write(path: Path, delimiter: str, encoding: str) -> Path:
    text = "\n".join(delimiter.join(r) for r in ROWS) + "\n"
    path.write_bytes(text.encode(encoding) if encoding != "utf-8-sig" else b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_any_encoding_and_delimiter(tmp_path: Path, encoding: str, delimiter: str) -> None:
    t = open_table(_write(tmp_path / "list.csv", delimiter, encoding))
    assert t.headers == ["id", "ФИО", "Дата рождения"]
    assert t.delimiter == delimiter
    rows = list(t.rows)
    assert rows[0] == (2, {"id": "1", "ФИО": "Иванов Иван Иванович", "Дата рождения": "01.02.1980"})
    assert rows[1][1]["ФИО"].startswith("Шевченко Олена")


def test_koi8_and_cp1251_told_apart(tmp_path: Path) -> None:
    text = "id;name\n1;Сорокина Мария Андреевна\n"
    for enc in ("cp1251", "koi8_r"):
        p = tmp_path / f"{enc}.csv"
        p.write_bytes(text.encode(enc))
        t = open_table(p)
        assert t.encoding == enc
        assert list(t.rows)[0][1]["name"] == "Сорокина Мария Андреевна"


def test_xlsx_and_jsonl(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "l.xlsx")
    x = open_table(tmp_path / "l.xlsx")
    assert list(x.rows)[1] == (3, {"id": "2", "ФИО": "Шевченко Олена Петровна", "Дата рождения": "1975"})
    (tmp_path / "l.jsonl").write_text('{"id": "1", "name": "A B"}\n\n{"id": 2, "name": null}\n', "utf-8")
    j = open_table(tmp_path / "l.jsonl")
    assert j.headers == ["id", "name"]
    assert list(j.rows) == [(1, {"id": "1", "name": "A B"}), (3, {"id": "2", "name": ""})]


def test_unreadable_inputs_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty.csv: the file is empty"):
        open_table(tmp_path / "empty.csv")
    (tmp_path / "bin.csv").write_bytes(b"id,name\n1,\x00\x01\x02\n")
    with pytest.raises(InvalidInput, match="bin.csv: .*NUL"):
        open_table(tmp_path / "bin.csv")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="fake.xlsx: not a readable XLSX"):
        open_table(tmp_path / "fake.xlsx")
    with pytest.raises(InvalidInput, match="unknown format"):
        open_table(_write(tmp_path / "list.doc", ",", "utf-8"))


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_csv_rows_split_on_every_line_ending_and_keep_quoted_ones(tmp_path: Path, ending: str) -> None:
    # old Mac, Windows and Unix files; a quoted cell keeps its own line breaks (an address, a note)
    text = ending.join(["id,surname,notes", 'P1,Сейтумеров,"Сімферополь,\r\nвул. Шмідта 5"',
                        'P2,Коваль,"line one\rline two"', "P3,O'Connor,", ""])
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode("utf-8"))
    rows = [raw for _, raw in open_table(path).rows]
    assert [r["id"] for r in rows] == ["P1", "P2", "P3"]
    assert rows[0]["notes"] == "Сімферополь,\r\nвул. Шмідта 5" and rows[1]["notes"] == "line one\rline two"
    assert rows[2]["surname"] == "O'Connor"
