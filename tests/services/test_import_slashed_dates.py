"""Slashed dates in registry imports (tabular/slashed.py): each date column is read in the order it shows, as a
list's birth column is (services/lists.py): a month-first export (03/15/1985) is read month first and said in
the report, a day-first one day first; a column that shows both orders refuses the dates that could be either,
naming file, row and column, and nothing is written. A pooled import decides the same, before its chunks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kartoteka.db.tables import cases, persons
from kartoteka.errors import InvalidInput, translate
from kartoteka.services import imports, prep_pool
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.tabular.slashed import SlashedOrder, read_date, slashed_order
from kartoteka.web.i18n import translations
from tests.conftest import Db

HEADER = "id,surname,given_name,birth_date,gender\n"


def _persons(dates: list[str]) -> str:
    return HEADER + "".join(f"P{i},Тестов-{i},Иван,{d},m\n" for i, d in enumerate(dates, 1))


def _births(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return {r.ext_id: r.birth_date for r in conn.execute(select(persons.c.ext_id, persons.c.birth_date))}


def _note(report: imports.ImportReport) -> str:
    return next(n for n in report.notes if "month first" in str(n))


US = ["03/04/1985", "03/15/1985", "1990-01-02", "12/31/1979", ""]      # a US / Excel export: month first
EU = ["03/04/1985", "15/03/1985", "31.12.1979"]                          # day first


def test_a_month_first_file_is_read_month_first_and_said(db: Db, tmp_path: Path) -> None:
    (tmp_path / "us.csv").write_text(_persons(US), "utf-8")
    report = import_file(db.engine, "persons", tmp_path / "us.csv", actor="t")
    assert _births(db.engine) == {"P1": "1985-03-04", "P2": "1985-03-15", "P3": "1990-01-02", "P4": "1979-12-31",
                                  "P5": None}
    note = _note(report)
    assert "birth_date" in note and "03/15/1985" in note
    uk, ru = translate(note, translations("uk").gettext), translate(note, translations("ru").gettext)
    assert "місяцем наперед" in uk and "«birth_date»" in uk and "03/15/1985" in uk
    assert "месяцем вперёд" in ru and "«birth_date»" in ru and "03/15/1985" in ru


def test_a_day_first_file_stays_day_first(db: Db, tmp_path: Path) -> None:
    (tmp_path / "eu.csv").write_text(_persons(EU), "utf-8")
    report = import_file(db.engine, "persons", tmp_path / "eu.csv", actor="t")
    assert _births(db.engine) == {"P1": "1985-04-03", "P2": "1985-03-15", "P3": "1979-12-31"}
    assert not [n for n in report.notes if "month first" in str(n)]


def test_a_file_of_both_orders_refuses_the_dates_that_could_be_either(db: Db, tmp_path: Path) -> None:
    (tmp_path / "mixed.csv").write_text(_persons(["13/02/1985", "02/13/1985", "03/04/1985", "1990-01-02",
                                                  "05/05/1971"]), "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "persons", tmp_path / "mixed.csv", actor="t")
    assert [(e.file, e.row, e.column) for e in exc.value.errors] == [("mixed.csv", 4, "birth_date")]
    reason = str(exc.value.errors[0].reason)
    assert "03/04/1985" in reason and "13/02/1985" in reason and "02/13/1985" in reason
    assert "«03/04/1985»" in translate(exc.value.errors[0].reason, translations("uk").gettext)
    assert _births(db.engine) == {}   # nothing written


def test_case_dates_and_a_one_sheet_registry_follow_their_columns(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(_persons(["1980", "1981"]), "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    # detained_on is month first, verdict_on day first: each column decides for itself
    (tmp_path / "c.csv").write_text("case_id,person_id,detained_on,verdict_on,status\n"
                                    "C1,P1,03/04/2022,05/06/2023,convicted\n"
                                    "C2,P2,10/25/2022,25/10/2023,convicted\n", "utf-8")
    report = import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    with db.engine.connect() as conn:
        got = {r.ext_id: (r.detained_on, r.verdict_on) for r in conn.execute(
            select(cases.c.ext_id, cases.c.detained_on, cases.c.verdict_on))}
    assert got == {"C1": ("2022-03-04", "2023-06-05"), "C2": ("2022-10-25", "2023-10-25")}
    assert [n for n in report.notes if "month first" in str(n) and "detained_on" in str(n)]
    assert not [n for n in report.notes if "verdict_on" in str(n)]
    (tmp_path / "r.csv").write_text("name,birth_date\nИванов Пётр Сергеевич,03/04/1975\n"
                                    "Петров Иван Ильич,11/28/1966\n", "utf-8")
    sheet = import_file(db.engine, "registry", tmp_path / "r.csv", actor="t")
    assert sorted(b for k, b in _births(db.engine).items() if k not in ("P1", "P2")) == ["1966-11-28", "1975-03-04"]
    assert "birth_date" in _note(sheet)


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real pool of two processes for a small file, in chunks of seven rows (as test_prep_pool.py's)."""
    monkeypatch.setattr(prep_pool, "POOL_ROWS", 1)
    monkeypatch.setattr(imports, "CHUNK", 7)
    monkeypatch.delenv("KARTOTEKA_IMPORT_WORKERS", raising=False)


# the only date that shows the order is in the last chunk: the chunks before it are read month first too
POOLED = [f"0{1 + i % 9}/0{1 + i % 7}/19{50 + i}" for i in range(40)] + ["12/31/1979"]


def test_a_pooled_import_reads_the_order_the_whole_file_shows(db: Db, tmp_path: Path, pooled: None) -> None:
    (tmp_path / "p.csv").write_text(_persons(POOLED), "utf-8")
    assert prep_pool.pool_size(len(POOLED), 2) == 2
    report = import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    got = _births(db.engine)
    expected = {f"P{i}": f"{d[6:]}-{d[0:2]}-{d[3:5]}" for i, d in enumerate(POOLED, 1)}
    assert got == expected and got["P2"] == "1951-02-02" and got["P3"] == "1952-03-03" and got["P8"] == "1957-08-01"
    assert "12/31/1979" in _note(report)
    # the same as inline
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    inline = make_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    upgrade_schema(inline)
    import_file(inline, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=1))
    assert _births(inline) == got


def test_a_pooled_import_of_both_orders_fails_and_writes_nothing(db: Db, tmp_path: Path, pooled: None) -> None:
    dates = ["15/03/1985"] + POOLED
    (tmp_path / "p.csv").write_text(_persons(dates), "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    ambiguous = [n for n, d in enumerate(dates, 2) if d[:2] != d[3:5] and int(d[:2]) <= 12 and int(d[3:5]) <= 12]
    assert sorted((e.row, e.column) for e in exc.value.errors) == [(n, "birth_date") for n in ambiguous]
    assert _births(db.engine) == {}


def test_the_order_of_a_column_and_reading_in_it() -> None:
    assert slashed_order(US).month_first and not slashed_order(EU).month_first
    assert read_date("03/04/1985", slashed_order(US)).iso() == "1985-03-04"
    assert read_date("03/04/1985", None).iso() == "1985-04-03"
    both = slashed_order(["13/02/1985", "02/13/1985"])
    assert read_date("02/13/1985", both).iso() == "1985-02-13" and read_date("13/02/1985", both).iso() == "1985-02-13"
    with pytest.raises(ValueError):
        read_date("03/04/1985", both)
    # decided from the first rows of a workbook: a later date of the other order is refused, never misread
    with pytest.raises(ValueError, match="day first"):
        read_date("15/03/1985", SlashedOrder(True, month_first_example="03/15/1985"))
    with pytest.raises(ValueError, match="month first"):
        read_date("03/15/1985", SlashedOrder(False, day_first_example="15/03/1985"))


def test_a_file_read_once_is_decided_from_its_first_rows(db: Db, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON Lines (and a workbook) are not read twice: the order comes from the first rows (HEAD_ROWS), and a
    later date of the other order fails its row, never misread; the first rows are imported once."""
    import json

    from kartoteka.tabular import slashed
    monkeypatch.setattr(slashed, "HEAD_ROWS", 3)
    lines = [{"id": f"P{i}", "surname": f"Тестов-{i}", "given_name": "Иван", "birth_date": d}
             for i, d in enumerate(["03/04/1985", "03/15/1985", "05/06/1970", "07/08/1971"], 1)]
    (tmp_path / "us.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    report = import_file(db.engine, "persons", tmp_path / "us.jsonl", actor="t")
    assert report.rows == 4 and "03/15/1985" in _note(report)
    assert _births(db.engine) == {"P1": "1985-03-04", "P2": "1985-03-15", "P3": "1970-05-06", "P4": "1971-07-08"}
    lines[3]["birth_date"] = "25/12/1971"   # day first, after the rows that decided month first
    (tmp_path / "late.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "persons", tmp_path / "late.jsonl", actor="t")
    assert [(e.row, e.column) for e in exc.value.errors] == [(4, "birth_date")]
    assert "25/12/1971" in str(exc.value.errors[0].reason) and "month first" in str(exc.value.errors[0].reason)
    assert _births(db.engine)["P4"] == "1971-07-08"   # nothing written
