"""Limits are checked before the work: zip bombs from declared sizes, shapes, JSON depth in linear time."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput
from kartoteka.tabular.limits import Limits, check_shape, check_zip, json_depth, name_problem
from kartoteka.tabular.reader import open_table

SMALL = Limits(file_bytes=10_000_000, unzipped_bytes=5_000_000, rows=100, columns=10, cell_chars=50, name_words=4,
               json_depth=3, number_digits=10)


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"A" * 6_000_000)
    assert bomb.stat().st_size < 100_000
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"bomb.xlsx: would unpack to 5 MB .* limit of 4 MB"):
        check_zip(bomb, SMALL)
    assert time.monotonic() - started < 1


def test_shapes_cells_names_and_numbers_are_bounded(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="3,000,000 rows is over the limit of 100"):
        check_shape("big.xlsx", 3_000_000, 3, SMALL)
    assert "over the limit of 4" in name_problem("a b c d e", SMALL)
    (tmp_path / "t.csv").write_text("id,name\n1," + "x" * 60 + "\n", encoding="utf-8")
    assert [(e.row, e.column) for e in _problems(tmp_path / "t.csv")] == [(2, "name")]
    (tmp_path / "n.jsonl").write_text('{"id": 12345678901, "name": "x"}\n{"id": [[[[1]]]]}\n', encoding="utf-8")
    reasons = [e.reason for e in _problems(tmp_path / "n.jsonl")]
    assert "over the limit of 10 digits" in reasons[0] and "nested 5 levels deep" in reasons[1]


def _problems(path: Path) -> list:  # type: ignore[type-arg]
    table = open_table(path, limits=SMALL)
    list(table.rows)
    return table.problems


def test_json_depth_is_linear() -> None:
    started = time.monotonic()
    assert json_depth("[" * 500_000 + '"[[[["' + "]" * 500_000) == 500_000
    assert time.monotonic() - started < 2


def test_duplicate_headers_and_nested_values_are_errors(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("id,name,name\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="the header 'name' appears twice"):
        open_table(tmp_path / "d.csv")
    (tmp_path / "o.jsonl").write_text('{"id": "1", "name": {"surname": "X"}}\n', encoding="utf-8")
    table = open_table(tmp_path / "o.jsonl")
    assert list(table.rows)[0][1]["name"] == ""
    assert "nested object" in table.problems[0].reason
    (tmp_path / "k.jsonl").write_text('{"id": "1", "name": "A", "name": "B"}\n', encoding="utf-8")
    table = open_table(tmp_path / "k.jsonl")
    assert list(table.rows) == [] and "the field 'name' appears twice" in table.problems[0].reason
