"""A sheet whose rows are hidden by default (``<sheetFormatPr zeroHeight="1">``): only the rows given a height
above zero show; a row written without a height is hidden there (tabular/hidden.py). Invented names only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kartoteka.tabular import hidden
from kartoteka.tabular.reader import open_table

SHEET = b"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>
<sheetData>
<row r="1" ht="15" customHeight="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>
<row r="2"><c r="A2"><v>1</v></c></row>
<row r="3" ht="15" customHeight="1"><c r="A3"><v>2</v></c></row>
<row r="4" ht="0" customHeight="1"><c r="A4"><v>3</v></c></row>
<row r="5" ht="15" customHeight="1" hidden="1"><c r="A5"><v>4</v></c></row>
<row r="6" ht="20.25" customHeight="1"><c r="A6"><v>5</v></c></row>
</sheetData>
</worksheet>"""


def test_zero_height_sheet_hides_every_row_without_a_visible_height() -> None:
    found = hidden.scan(io.BytesIO(SHEET))
    assert found.by_default and found.rows == {2, 4, 5} and found.shown == {1, 3, 6}
    assert [r for r in range(1, 10) if found.row_hidden(r)] == [2, 4, 5, 7, 8, 9]   # no <row> tag: hidden too


def test_without_zero_height_a_row_without_a_height_shows() -> None:
    plain = SHEET.replace(b' zeroHeight="1"', b"")
    found = hidden.scan(io.BytesIO(plain))
    assert not found.by_default and found.rows == {4, 5} and found.shown == set()
    assert [r for r in range(1, 10) if found.row_hidden(r)] == [4, 5]
    assert not hidden.scan(io.BytesIO(SHEET.replace(b'zeroHeight="1"', b'zeroHeight="0"'))).by_default


def test_zero_height_read_from_a_tiny_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hidden, "_CHUNK", 7)   # tags cut between reads are joined again
    found = hidden.scan(io.BytesIO(SHEET))
    assert found.by_default and found.rows == {2, 4, 5} and found.shown == {1, 3, 6}


def _zero_height_workbook(path: Path) -> Path:
    """Header and three persons; the sheet hides rows by default and gives rows 1, 2 and 4 a height."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Особи"
    ws.append(["id", "ПІБ", "Дата народження"])
    ws.append(["Z1", "Оврамчук Левко Тарасович", "1981"])
    ws.append(["Z2", "Гайдамака Орися Петрівна", "1992"])
    ws.append(["Z3", "Ярмоленко Тиміш Андрійович", "1970"])
    ws.sheet_format.zeroHeight = True
    for row in (1, 2, 4):
        ws.row_dimensions[row].height = 15
    wb.save(path)
    return path


def test_open_table_names_the_rows_a_zero_height_sheet_hides(tmp_path: Path) -> None:
    path = _zero_height_workbook(tmp_path / "zero.xlsx")
    assert b'zeroHeight="1"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    table = open_table(path)
    assert [r for r, _ in table.rows] == [2, 3, 4]
    assert table.hidden_rows == {3: ("Особи", 3)} and table.hidden_found == [("Особи", 3)]
    skipping = open_table(path, skip_hidden=True)
    assert [row["id"] for _, row in skipping.rows] == ["Z1", "Z3"]
    assert skipping.hidden_skipped == {3: ("Особи", 3)} and skipping.hidden_rows == {}
