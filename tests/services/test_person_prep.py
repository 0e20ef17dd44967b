"""Persons parsed and keyed by a pool of processes (services/person_prep.py): the same persons, names,
stored keys, audit entries and row errors as the same import prepared inline, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from kartoteka.db.chain import verify_chain
from kartoteka.db.tables import audit_log, name_keys, name_keys_state, person_names, persons, surname_variants
from kartoteka.errors import InvalidInput
from kartoteka.services import imports, person_prep
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
    monkeypatch.setattr(person_prep, "POOL_ROWS", 1)
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


def _inline(tmp: Path) -> tuple[Any, ...]:
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    engine = make_engine(f"sqlite:///{tmp / 'inline.db'}")
    upgrade_schema(engine)
    (tmp / "p.csv").write_text(CSV, "utf-8")
    import_file(engine, "persons", tmp / "p.csv", actor="t", options=SheetOptions(workers=1))
    return _state(engine)


def test_pool_size_follows_the_file_and_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTOTEKA_IMPORT_WORKERS", raising=False)
    assert person_prep.pool_size(100, 0) == 0                       # a small file: inline
    assert person_prep.pool_size(None, 0) == 0                      # an unknown length: inline
    assert person_prep.pool_size(1_000_000, 1) == 0
    assert person_prep.pool_size(1_000_000, 3) == 3
    monkeypatch.setenv("KARTOTEKA_IMPORT_WORKERS", "1")
    assert person_prep.pool_size(1_000_000, 0) == 0


def test_a_pooled_import_writes_what_an_inline_one_does(db: Db, tmp_path: Path, pooled: None) -> None:
    base = tmp_path / "inline"
    base.mkdir()
    expected = _inline(base)
    (tmp_path / "p.csv").write_text(CSV, "utf-8")
    assert person_prep.pool_size(len(ROWS) + 39, 2) == 2   # this import is prepared by two processes
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
