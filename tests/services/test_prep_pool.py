"""Imports prepared by a pool of processes (services/prep_pool.py): persons parsed and keyed
(services/person_prep.py) and cases parsed with their charges (services/case_prep.py) give the same
records, names, stored keys, charges, audit entries, notes and row errors as the same import prepared
inline, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from kartoteka.db.chain import verify_chain
from kartoteka.db.tables import (audit_log, cases, charges, name_keys, name_keys_state, person_names, persons,
                                 surname_variants)
from kartoteka.errors import InvalidInput
from kartoteka.services import imports, prep_pool
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import check_name_index
from kartoteka.services.registry_import import SheetOptions
from tests.conftest import Db

# written as users write them: Crimean Tatar, hyphenated, Ukrainian and Belarusian forms, Latin aliases,
# partial and dotted dates, a name in one cell, a foreign name
ROWS = [
    "P1,Джемилев,Мустафа,Абдулджемилевич,Cemilev Mustafa; Dzhemilev Mustafa,13.11.1943,m,internal",
    "P2,Сейтумеров,Эмир-Усеин,,Seytumerov Emir-Useyin,1986,m,confidential",
    "P3,Коваль-Мельник,Андрій,Петрович,Kovalchuk-Melnyk Andrii,03.1979,m,internal",
    "P4,Білозерцева,Ганна,Вікторівна,BILOZERTSEVA Anna Viktorivna,1990-02-28,f,internal",
    "P5,Абляєв,Сервер,Різайович,,1975,m,internal",
    "P6,Лукашэвіч,Уладзімір,,Łukaševič Uładzimir,1961-07-04,m,public",
    "P7,O'Connor,Patrick,,,,m,internal",
    "P8,Иванова,Ольга,Сергеевна,Volha Ivanova,1988-12-01,f,internal",
]
HEADER = "id,surname,given_name,patronymic,aliases,birth_date,gender,sensitivity\n"
CSV = HEADER + "".join(r + "\n" for r in ROWS * 1) + "".join(
    f"Q{i},Тестов-{i},Иван,Иванович,Ivan Testov-{i},{1950 + i % 60}-0{1 + i % 9}-1{i % 9},m,internal\n"
    for i in range(1, 40))


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real pool of two processes for a small file, in chunks of seven rows."""
    monkeypatch.setattr(prep_pool, "POOL_ROWS", 1)
    monkeypatch.setattr(imports, "CHUNK", 7)
    monkeypatch.delenv("KARTOTEKA_IMPORT_WORKERS", raising=False)


def _state(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        ps = conn.execute(select(persons.c.id, persons.c.ext_id, persons.c.birth_date, persons.c.row_hash,
                                 persons.c.sensitivity).order_by(persons.c.id)).all()
        ns = conn.execute(select(person_names.c.person_id, person_names.c.kind, person_names.c.full,
                                 person_names.c.surname, person_names.c.given_name, person_names.c.lang)
                          .order_by(person_names.c.id)).all()
        keys = conn.execute(select(name_keys.c.person_id, name_keys.c.key)
                            .order_by(name_keys.c.person_id, name_keys.c.key)).all()
        variants = conn.execute(select(surname_variants).order_by(surname_variants.c.variant,
                                                                  surname_variants.c.key)).all()
        entries = conn.execute(select(audit_log.c.entity_id, audit_log.c.action, audit_log.c.after)
                               .order_by(audit_log.c.seq)).all()
        mark = conn.execute(select(name_keys_state.c.seq)).scalar()
        chain = verify_chain(conn)
    return ([tuple(r) for r in ps], [tuple(r) for r in ns], [tuple(r) for r in keys],
            [tuple(r) for r in variants], [tuple(r) for r in entries], mark, chain.ok)


def _inline_engine(tmp: Path) -> Engine:
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    engine = make_engine(f"sqlite:///{tmp / 'inline.db'}")
    upgrade_schema(engine)
    return engine


def _inline(tmp: Path) -> tuple[Any, ...]:
    engine = _inline_engine(tmp)
    (tmp / "p.csv").write_text(CSV, "utf-8")
    import_file(engine, "persons", tmp / "p.csv", actor="t", options=SheetOptions(workers=1))
    return _state(engine)


def test_pool_size_follows_the_file_and_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTOTEKA_IMPORT_WORKERS", raising=False)
    assert prep_pool.pool_size(100, 0) == 0                       # a small file: inline
    assert prep_pool.pool_size(None, 0) == 0                      # an unknown length: inline
    assert prep_pool.pool_size(1_000_000, 1) == 0
    assert prep_pool.pool_size(1_000_000, 3) == 3
    monkeypatch.setenv("KARTOTEKA_IMPORT_WORKERS", "1")
    assert prep_pool.pool_size(1_000_000, 0) == 0


def test_a_pooled_import_writes_what_an_inline_one_does(db: Db, tmp_path: Path, pooled: None) -> None:
    base = tmp_path / "inline"
    base.mkdir()
    expected = _inline(base)
    (tmp_path / "p.csv").write_text(CSV, "utf-8")
    assert prep_pool.pool_size(len(ROWS) + 39, 2) == 2   # this import is prepared by two processes
    report = import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    assert report.created == len(ROWS) + 39 and report.rows == len(ROWS) + 39
    got = _state(db.engine)
    assert got[:5] == expected[:5]
    assert got[6] is True and len(got[2]) > 5 * report.created
    assert check_name_index(db.engine).ok
    again = import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    assert (again.created, again.unchanged) == (0, len(ROWS) + 39)
    assert _state(db.engine)[2] == got[2]


def test_a_pooled_import_with_bad_rows_names_them_and_writes_nothing(db: Db, tmp_path: Path,
                                                                     pooled: None) -> None:
    bad = CSV.replace("Q12,Тестов-12,Иван,Иванович,Ivan Testov-12,", "Q12,Тестов-12,Иван,Иванович,Ivan Testov-12,"
                      "31.02.1970-") .replace("P7,O'Connor,Patrick,,,,m,", "P7,O'Connor,Patrick,,,,x-gender,")
    (tmp_path / "bad.csv").write_text(bad, "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "persons", tmp_path / "bad.csv", actor="t", options=SheetOptions(workers=2))
    where = sorted((e.row, e.column) for e in exc.value.errors)
    assert where == [(8, "gender"), (21, "birth_date")]
    with db.engine.connect() as conn:
        assert conn.execute(select(persons.c.id)).first() is None
        assert conn.execute(select(name_keys.c.key)).first() is None


# cases as users write them: charges in several codes and spellings, a court that decides the code, one
# charge no code decides (a note for its row), partial dates
CASES = "case_id,person_id,jurisdiction,articles,court,detained_on,status\n" + "".join(
    f"C{i},{pid},{jur},{arts},{court},{day},{status}\n" for i, (pid, jur, arts, court, day, status) in enumerate([
        ("P1", "RU", '"ч. 2 ст. 207.3 УК РФ, ст. 280.3 УК РФ"', "Киевский районный суд г. Симферополя", "2022-05-05",
         "convicted"),
        ("P2", "", '"ст. 205.5 ч. 2 УК РФ"', "Южный окружной военный суд", "2019-03-27", "приговор вступил в силу"),
        ("P3", "UA", '"ст. 111-1 КК України"', "", "03.2023", "under investigation"),
        ("P4", "", "ст. 999", "", "2021", "под следствием"),
        ("P6", "BY", '"ч. 1 ст. 342 УК РБ; ст. 361-1"', "Минский городской суд", "2020-08-11", "convicted"),
    ] * 3 + [("Q%d" % (i % 39 + 1), "RU", '"ст. 280.3 ч. 1 УК РФ"', "", "2022-03-0%d" % (1 + i % 9), "convicted")
             for i in range(30)], start=1))


def _cases_state(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        cs = conn.execute(select(cases.c.id, cases.c.ext_id, cases.c.person_id, cases.c.status, cases.c.detained_on,
                                 cases.c.row_hash).order_by(cases.c.id)).all()
        chs = conn.execute(select(charges.c.case_id, charges.c.code, charges.c.article, charges.c.part,
                                  charges.c.in_catalog).order_by(charges.c.case_id, charges.c.id)).all()
        entries = conn.execute(select(audit_log.c.entity_id, audit_log.c.action, audit_log.c.after)
                               .where(audit_log.c.entity_type == "case").order_by(audit_log.c.seq)).all()
        ok = verify_chain(conn).ok
    return [tuple(r) for r in cs], [tuple(r) for r in chs], [tuple(r) for r in entries], ok


def test_a_pooled_cases_import_writes_what_an_inline_one_does(db: Db, tmp_path: Path, pooled: None) -> None:
    base = tmp_path / "inline"
    base.mkdir()
    engine = _inline_engine(base)
    (tmp_path / "p.csv").write_text(CSV, "utf-8")
    (tmp_path / "c.csv").write_text(CASES, "utf-8")
    import_file(engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=1))
    expected_report = import_file(engine, "cases", tmp_path / "c.csv", actor="t", options=SheetOptions(workers=1))
    expected = _cases_state(engine)
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    report = import_file(db.engine, "cases", tmp_path / "c.csv", actor="t", options=SheetOptions(workers=2))
    assert report.created == expected_report.created == 45
    assert report.notes == expected_report.notes and any("row 5:" in str(n) for n in report.notes)
    got = _cases_state(db.engine)
    assert got == expected and got[3] is True
    assert {c[1] for c in got[1]} >= {"RU", "UA", "BY"}
    changed = CASES.replace('"ст. 205.5 ч. 2 УК РФ"', '"ст. 205.5 ч. 2 УК РФ, ст. 275 УК РФ"')
    (tmp_path / "c2.csv").write_text(changed, "utf-8")
    again = import_file(db.engine, "cases", tmp_path / "c2.csv", actor="t", options=SheetOptions(workers=2))
    assert (again.created, again.updated, again.unchanged) == (0, 3, 42)
    with db.engine.connect() as conn:
        assert conn.execute(select(charges.c.id).where(charges.c.article == "275")).all().__len__() == 3


def test_a_pooled_cases_import_names_a_person_not_in_the_registry(db: Db, tmp_path: Path, pooled: None) -> None:
    (tmp_path / "p.csv").write_text(CSV, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=2))
    bad = CASES.replace("C9,P4,", "C9,P404,").replace("C12,P2,", "C11,P2,")
    (tmp_path / "bad.csv").write_text(bad, "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "cases", tmp_path / "bad.csv", actor="t", options=SheetOptions(workers=2))
    assert sorted((e.row, e.column) for e in exc.value.errors) == [(10, "person_id"), (13, "case_id")]
    assert "P404" in str(exc.value.errors[0].reason) or "P404" in str(exc.value.errors[1].reason)
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.id)).first() is None


def _dies_in_a_pool(chunk: list[tuple[int, dict[str, str]]], shared: int) -> list[int]:
    """The row numbers plus ``shared``, except that a pool process running it dies on its second chunk."""
    import multiprocessing
    import os
    if multiprocessing.parent_process() is not None and chunk[0][0] > 10:
        os._exit(3)
    return [row + shared for row, _ in chunk]


def test_a_pool_whose_process_dies_finishes_the_chunks_inline() -> None:
    chunks = [[(row, {})] for row in range(1, 40, 3)]
    got = list(prep_pool.prepared(iter(chunks), _dies_in_a_pool, 100, processes=2))
    assert [c for c, _ in got] == chunks
    assert [r for _, r in got] == [[row + 100] for row in range(1, 40, 3)]



def test_surname_variants_are_stored_whole_after_a_failed_pooled_import(db: Db, tmp_path: Path,
                                                                       pooled: None) -> None:
    """A pool process sends each surname variant back once (prep_pool.unsent), and the importing process
    writes every chunk's. An import that fails is rolled back with the variants it wrote, so the next
    import, inline or pooled, must send them all again: the stored variants then equal an inline import's."""
    bad = CSV.replace("P7,O'Connor,Patrick,,,,m,", "P7,O'Connor,Patrick,,,,x-gender,")
    (tmp_path / "bad.csv").write_text(bad, "utf-8")
    (tmp_path / "p.csv").write_text(CSV, "utf-8")
    base = tmp_path / "inline"
    base.mkdir()
    expected = _inline(base)
    for options in (SheetOptions(workers=2), SheetOptions(workers=1)):
        with pytest.raises(InvalidInput):
            import_file(db.engine, "persons", tmp_path / "bad.csv", actor="t", options=options)
    with db.engine.connect() as conn:
        assert conn.execute(select(surname_variants.c.variant)).first() is None
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t", options=SheetOptions(workers=1))
    got = _state(db.engine)
    assert got[3] == expected[3] and len(got[3]) > 100
    assert check_name_index(db.engine).ok
