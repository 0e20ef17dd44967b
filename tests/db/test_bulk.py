"""db/bulk.py ``indexes_after``: a large first import builds the name index's indexes after its rows (SQLite;
PostgreSQL only into an empty registry), and writes exactly what an import that kept them does: keys, updated
persons re-keyed, nothing on failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Table, func, select, text

from kartoteka.db import bulk
from kartoteka.db.tables import name_keys, person_names, persons
from kartoteka.errors import InvalidInput
from kartoteka.services import imports, name_index
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import check_name_index
from kartoteka.services.registry_import import SheetOptions
from tests.conftest import Db

HEADER = "id,surname,given_name,patronymic,aliases,birth_date,gender\n"
FIRST = HEADER + "".join(f"P{i},Сейтумеров-{i},Эмир-Усеин,Русланович,Seytumerov-{i} Emir,1980-02-{1 + i % 28:02d},m\n"
                         for i in range(1, 13))
# the second file renames P1 and P2 (re-keyed), keeps P3..P12 and brings 20 new persons: more rows than
# the registry has, so the index is built after them again
SECOND = (FIRST.replace("P1,Сейтумеров-1,Эмир-Усеин", "P1,Абляєв,Сервер")
          .replace("P2,Сейтумеров-2,Эмир-Усеин,Русланович", "P2,Коваль-Мельник,Андрій,Петрович")
          + "".join(f"N{i},Білозерцева-{i},Ганна,Вікторівна,Bilozertseva Anna,1990-03-{1 + i % 28:02d},f\n"
                    for i in range(1, 21)))


class Watch(list[bool]):
    """Whether each import built the name index after its rows; ``failed``: the indexes present when an
    import's block ended in an error or a dry run (none: not built again only to be rolled back)."""

    failed: list[set[str]]


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watch:
    """Each import watched (Watch); a small file counts as large here."""
    seen = Watch()
    seen.failed = []
    real = bulk.indexes_after

    @contextmanager
    def spy(conn: Connection, tables: tuple[Table, ...], *, rows: int | None, existing: int,
            first_load: bool = False) -> Iterator[bool]:
        with real(conn, tables, rows=rows, existing=existing, first_load=first_load) as later:
            if later:   # the indexes really are gone inside the import's transaction
                assert _indexes(conn) == set()
            seen.append(later)
            try:
                yield later
            except Exception:   # a failed import or a dry run: not built again only to be rolled back
                seen.failed.append(_indexes(conn))
                raise

    monkeypatch.setattr(bulk, "DEFER_ROWS", 10)
    monkeypatch.setattr(imports, "indexes_after", spy)
    monkeypatch.setattr(name_index, "indexes_after", spy)   # (kartoteka index rebuild)
    return seen


def _indexes(conn: Connection) -> set[str]:
    if conn.dialect.name != "sqlite":
        return {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'name_keys'"))}
    return {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' "
                                            "AND tbl_name = 'name_keys' AND sql IS NOT NULL"))}


def _state(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        keys = conn.execute(select(persons.c.ext_id, name_keys.c.key).join(persons, persons.c.id == name_keys.c.person_id)
                            .order_by(persons.c.ext_id, name_keys.c.key)).all()
        names = conn.execute(select(person_names.c.full).order_by(person_names.c.full)).scalars().all()
        return [tuple(k) for k in keys], names, _indexes(conn)


def _import(engine: Engine, tmp: Path, name: str, body: str) -> Any:
    (tmp / name).write_text(body, "utf-8")
    return import_file(engine, "persons", tmp / name, actor="t", options=SheetOptions(confirm_renames=True))


def _kept(tmp: Path) -> tuple[Any, ...]:
    """The same two imports into a SQLite registry that keeps its indexes throughout."""
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    engine = make_engine(f"sqlite:///{tmp / 'kept.db'}")
    upgrade_schema(engine)
    _import(engine, tmp, "a.csv", FIRST)
    _import(engine, tmp, "b.csv", SECOND)
    state = _state(engine)
    engine.dispose()
    return state


def test_a_large_import_writes_what_one_with_its_indexes_does(db: Db, tmp_path: Path,
                                                              watched: Watch) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    bulk.DEFER_ROWS = 10 ** 9   # the baseline keeps its indexes (the fixture restores the value after)
    expected = _kept(kept)
    bulk.DEFER_ROWS = 10
    watched.clear()
    first = _import(db.engine, tmp_path, "a.csv", FIRST)
    second = _import(db.engine, tmp_path, "b.csv", SECOND)
    assert (first.created, second.created, second.updated) == (12, 20, 2)
    # PostgreSQL only for the first load: dropping an index locks out readers, and an empty registry has none
    assert watched == [True, db.backend == "sqlite"]
    got = _state(db.engine)
    assert got == expected
    assert got[2] == {"ix_name_keys_key", "ix_name_keys_person"}
    assert any(n.startswith("Абляєв Сервер") for n in got[1]) and not any(n.startswith("Сейтумеров-1 ") for n in got[1])
    assert check_name_index(db.engine).ok   # the renamed persons were re-keyed


def test_a_failed_large_import_changes_nothing_and_keeps_the_indexes(db: Db, tmp_path: Path,
                                                                     watched: Watch) -> None:
    _import(db.engine, tmp_path, "a.csv", FIRST)
    before = _state(db.engine)
    bad = SECOND.replace("N20,Білозерцева-20,Ганна,Вікторівна,Bilozertseva Anna,1990-03-21",
                         "N20,Білозерцева-20,Ганна,Вікторівна,Bilozertseva Anna,1990-13-45")
    with pytest.raises(InvalidInput) as err:
        _import(db.engine, tmp_path, "bad.csv", bad)
    assert err.value.errors[0].row == 33 and err.value.errors[0].column == "birth_date"
    assert watched[-1] is (db.backend == "sqlite")
    failed = watched.failed
    assert failed == ([set()] if db.backend == "sqlite" else [{"ix_name_keys_key", "ix_name_keys_person"}])
    (tmp_path / "dry.csv").write_text(SECOND, "utf-8")   # a dry run of a large file: the same, nothing kept
    report = import_file(db.engine, "persons", tmp_path / "dry.csv", actor="t", dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (20, 2, 10) and len(report.renames) == 2
    assert failed == ([set(), set()] if db.backend == "sqlite" else [{"ix_name_keys_key", "ix_name_keys_person"}] * 2)
    assert _state(db.engine) == before
    assert _state(db.engine) == before
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 12


def test_a_small_load_or_a_larger_registry_keeps_the_indexes(db: Db) -> None:
    with db.engine.begin() as conn:
        for rows, existing in ((bulk.DEFER_ROWS - 1, 0), (bulk.DEFER_ROWS, bulk.DEFER_ROWS), (None, 0)):
            with bulk.indexes_after(conn, (name_keys,), rows=rows, existing=existing) as later:
                assert later is False
                assert len(_indexes(conn)) >= 2
        with bulk.indexes_after(conn, (name_keys,), rows=bulk.DEFER_ROWS, existing=0) as later:
            assert later is (db.backend == "sqlite")
        # PostgreSQL: the first load of an empty registry only (not a rebuild, not into a registry with persons)
        with bulk.indexes_after(conn, (name_keys,), rows=bulk.DEFER_ROWS, existing=1, first_load=True) as later:
            assert later is (db.backend == "sqlite")
        with bulk.indexes_after(conn, (name_keys,), rows=bulk.DEFER_ROWS, existing=0, first_load=True) as later:
            assert later is True
            assert _indexes(conn) == set()
        assert len(_indexes(conn)) >= 2


def test_an_index_rebuild_builds_the_indexes_after_the_keys(db: Db, tmp_path: Path, watched: Watch) -> None:
    _import(db.engine, tmp_path, "a.csv", SECOND.replace("P1,Сейтумеров-1,Эмир-Усеин", "P1,Абляєв,Сервер"))
    before = _state(db.engine)
    watched.clear()
    assert name_index.rebuild_name_index(db.engine) == 32
    assert watched == [db.backend == "sqlite"]
    assert _state(db.engine) == before   # the same keys, and both indexes back
    assert check_name_index(db.engine).ok


def test_bulk_parameters_are_each_rows_values_through_their_columns_processors(db: Db) -> None:
    """db/bulk.py ``_params``: tuples in column order, defaults for missing keys, rows of other shapes the
    general way, and every value through its column's bind processor (run once per value object)."""
    from kartoteka.db.bulk import _params
    from kartoteka.db.tables import charges, duplicate_pairs

    with db.engine.connect() as conn:
        flag = charges.c.in_catalog.type.bind_processor(conn.dialect)
        score = duplicate_pairs.c.score.type.bind_processor(conn.dialect)
        assert flag is not None and score is not None
        rows: list[dict[str, Any]] = [{"case_id": i, "in_catalog": v} for i, v in enumerate([True, False, None, True, 1, 0])]
        got = _params(conn, charges, ["case_id", "in_catalog", "code"], {"code": "RU"}, rows)
        assert got == [(i, None if v is None else flag(v), "RU") for i, v in enumerate([True, False, None, True, 1, 0])]
        mixed = [{"person_id": 1, "score": 0.5}, {"score": 0.25, "other_person_id": 2}]
        assert _params(conn, duplicate_pairs, ["person_id", "score"], {}, mixed) == [(1, score(0.5)), (None, score(0.25))]
        assert _params(conn, duplicate_pairs, ["score"], {}, [{"score": 1.0}]) == [(score(1.0),)]
        # a column holding one value object in every row (an import's timestamps) is processed once, and
        # put in its place: the same tuples as value by value (None stays None)
        same = [{"case_id": i, "in_catalog": True, "code": None} for i in range(4)]
        assert _params(conn, charges, ["case_id", "in_catalog", "code"], {}, same) == [(i, flag(True), None)
                                                                                   for i in range(4)]
        nothing = [{"case_id": i, "in_catalog": None} for i in range(3)]
        assert _params(conn, charges, ["case_id", "in_catalog"], {}, nothing) == [(i, None) for i in range(3)]
        half = 0.5
        assert _params(conn, duplicate_pairs, ["score"], {}, [{"score": half}] * 3) == [(score(half),)] * 3
        assert _params(conn, duplicate_pairs, ["score", "person_id"], {}, [{"score": half, "person_id": 7}] * 2) == \
            [(score(half), 7)] * 2


def test_a_failed_first_load_keeps_nothing_and_leaves_the_indexes(db: Db, tmp_path: Path, watched: Watch) -> None:
    """The first load of an empty registry drops the indexes on both databases; its failure rolls that back."""
    bad = FIRST.replace("P12,Сейтумеров-12,Эмир-Усеин,Русланович,Seytumerov-12 Emir,1980-02-13",
                        "P12,Сейтумеров-12,Эмир-Усеин,Русланович,Seytumerov-12 Emir,1980-02-31")
    with pytest.raises(InvalidInput) as err:
        _import(db.engine, tmp_path, "bad.csv", bad)
    assert (err.value.errors[0].row, err.value.errors[0].column) == (13, "birth_date")
    assert watched == [True] and watched.failed == [set()]   # dropped, and not built again only to be rolled back
    with db.engine.connect() as conn:
        assert _indexes(conn) == {"ix_name_keys_key", "ix_name_keys_person"}
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(name_keys)).scalar_one() == 0


def test_binary_copy_types_take_only_values_binary_keeps_as_they_are(db: Db) -> None:
    """db/bulk.py ``binary_types``: a batch goes by binary COPY only when every value is None or exactly
    its column's Python type (an int4 in range, a time with its zone); otherwise by text COPY, which
    converts. On PostgreSQL both ways store the same values."""
    import datetime as dt

    from sqlalchemy import Column, DateTime, MetaData

    from kartoteka.db.bulk import binary_types, column_types, insert_rows
    from kartoteka.db.tables import audit_log, duplicate_pairs

    at = dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)
    cols = ["id", "at", "actor", "entity_type", "entity_id", "action", "field", "before", "after", "batch"]
    good = [(1, at, "анна", "person", 7, "create", None, None, '{"name": "Сейтумеров Эмир-Усеин\\t\\\\"}', "b"),
            (2, at, "o'connor", "case", 2**31 - 1, "update", "status", "a\tb\nc", "d\\e", None)]
    assert binary_types(audit_log, cols, good) == ["int4", "timestamptz", "text", "text", "int4", "text", "text",
                                                   "text", "text", "text"]
    assert binary_types(name_keys, ["person_id", "key"], [(1, -2**63), (2, 2**63 - 1)]) == ["int4", "int8"]
    # the same names from the columns alone, for values known to be of their types; none for a naive time
    assert column_types(audit_log, cols) == binary_types(audit_log, cols, good)
    naive = Table("naive_times", MetaData(), Column("at", DateTime()))
    with pytest.raises(TypeError, match="naive_times.at"):
        column_types(naive, ["at"])
    for bad in ((3, at, "anna", "person", 2**31, "create", None, None, None, None),            # beyond int4
                (3, at.replace(tzinfo=None), "anna", "person", 1, "create", None, None, None, None),   # naive
                (3, at, 42, "person", 1, "create", None, None, None, None),                    # a number as text
                (True, at, "anna", "person", 1, "create", None, None, None, None)):           # a bool as int
        assert binary_types(audit_log, cols, [*good, bad]) is None, bad
    assert binary_types(duplicate_pairs, ["score"], [(0.5,), (1,)]) is None   # an int as float8: text COPY
    if db.backend != "postgresql":
        return
    rows = [dict(zip(cols, r)) for r in good]
    texts = [{**r, "id": r["id"] + 10, "actor": 7 if r["id"] == 1 else r["actor"]} for r in rows]   # text COPY
    with db.engine.begin() as conn:
        insert_rows(conn, audit_log, rows)
        insert_rows(conn, audit_log, texts)
        got = {r.id: r for r in conn.execute(select(audit_log).where(audit_log.c.id.in_([1, 2, 11, 12])))}
        for r in rows:
            stored = got[r["id"]]
            assert tuple(getattr(stored, c) for c in cols) == tuple(r[c] for c in cols)
            twin = got[r["id"] + 10]
            assert tuple(getattr(twin, c) for c in cols[1:]) == tuple(
                "7" if c == "actor" and r["id"] == 1 else r[c] for c in cols[1:])
        conn.rollback()


def test_bulk_times_are_stored_as_a_single_insert_stores_them(db: Db) -> None:
    """db/bulk.py ``_processor``: on SQLite the driver's datetime adapter runs once per time object (shared
    timestamps) and stores the text the driver makes (the instant a plain INSERT stores, which SQLAlchemy writes without
    its zone), for a shared, a distinct, another zone's and a naive time."""
    import datetime as dt

    from sqlalchemy import insert

    from kartoteka.db.bulk import insert_rows
    from kartoteka.db.tables import imports

    shared = dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)
    times = [shared, shared, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
             dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=3))),
             dt.datetime(2026, 1, 2, 3, 4, 5, 6)]

    def row(i: int, at: dt.datetime) -> dict[str, Any]:
        return {"id": f"imp-{i}", "kind": "persons", "filename": "p.csv", "sha256": "0" * 64, "actor": "t", "at": at,
                "rows": 1, "created": 1, "updated": 0, "unchanged": 0}

    with db.engine.begin() as conn:
        insert_rows(conn, imports, [row(i, at) for i, at in enumerate(times)])
        for i, at in enumerate(times):
            conn.execute(insert(imports).values(**row(100 + i, at)))
        stored = dict(conn.execute(text("SELECT id, CAST(at AS TEXT) FROM imports WHERE id LIKE :p"), {"p": "imp-%"}).all())
        read = {r.id: r.at for r in conn.execute(select(imports.c.id, imports.c.at).where(imports.c.id.like("imp-%")))}
    for i, at in enumerate(times):
        if db.backend == "sqlite":   # the text the driver itself makes of it (as before the adapter ran here)
            assert stored[f"imp-{i}"] == at.isoformat(" "), i
            assert read[f"imp-{i}"].replace(tzinfo=None) == read[f"imp-{100 + i}"].replace(tzinfo=None), i
        else:
            assert read[f"imp-{i}"] == read[f"imp-{100 + i}"], i


def test_driver_reads_give_sqlalchemys_rows_in_the_transaction(db: Db, tmp_path: Path) -> None:
    """driver_rows / driver_iter (the matcher's reads through the driver's cursor) return what SQLAlchemy
    returns, in order, across fetchmany's batches, and see the connection's own uncommitted writes."""
    src = tmp_path / "p.csv"
    src.write_text("id,name,birth_date\n" + "".join(f"P-{i},Тестов Тест {i},19{50 + i % 40}\n" for i in range(57)),
                   "utf-8")
    import_file(db.engine, "persons", src, actor="test")
    sql = "SELECT id, ext_id, birth_date FROM persons ORDER BY id"
    with db.engine.begin() as conn:
        want = [tuple(r) for r in conn.execute(text(sql))]
        assert len(want) == 57
        assert [tuple(r) for r in bulk.driver_rows(conn, sql)] == want
        assert [tuple(r) for r in bulk.driver_iter(conn, sql, size=10)] == want
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.execute(persons.update().where(persons.c.ext_id == "P-3").values(birth_date="1999"))
        assert bulk.driver_rows(conn, f"SELECT birth_date FROM persons WHERE ext_id = {mark}", ["P-3"]) == [("1999",)]


def test_indexes_are_built_with_a_small_cache_that_is_then_set_back(db: Db) -> None:
    """db/bulk.py ``indexes_after`` builds the dropped indexes with SQLite's page cache at SORT_CACHE_KIB (a
    faster sort), then gives the connection its cache back."""
    from sqlalchemy import insert

    from kartoteka.db.tables import name_keys

    if db.backend != "sqlite":
        pytest.skip("a SQLite pragma")
    seen: list[int] = []
    with db.engine.begin() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with bulk.indexes_after(conn, [name_keys], rows=bulk.DEFER_ROWS, existing=0) as later:
            assert later
            conn.execute(insert(name_keys), [{"person_id": 1, "key": k} for k in range(100)])
            orig = name_keys.indexes.copy()
            for ix in orig:   # watch the cache while each index is built
                ix.create = (lambda c, _ix=ix, _create=ix.create: (  # type: ignore[method-assign]
                    seen.append(c.exec_driver_sql("PRAGMA cache_size").scalar()), _create(c))[1])
        for ix in orig:
            del ix.create
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                                    "tbl_name = 'name_keys'")}
        assert names >= {"ix_name_keys_key", "ix_name_keys_person"}
        assert seen == [-bulk.SORT_CACHE_KIB] * len(orig) and before != -bulk.SORT_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_in_values_finds_the_rows_of_many_values_with_one_statement_text(db: Db) -> None:
    """A chunk of 2,001 keys, ids or texts finds exactly its rows; on PostgreSQL the statement is the same
    text with one parameter whatever the number of values (psycopg converts a new text every time)."""
    keys = [(i % 700, (-1) ** i * (i * 7_919_000_000_001 % 2**62)) for i in range(2_001)]
    with db.engine.begin() as conn:
        conn.execute(name_keys.insert(), [{"person_id": p, "key": k} for p, k in keys])
        wanted = [k for _, k in keys[::2]] + [123]   # 123: a key nobody has
        clause, params = bulk.in_values(conn, wanted)
        found = bulk.driver_rows(conn, f'SELECT "key", person_id FROM name_keys WHERE "key"{clause}', params)
        assert sorted(found) == sorted((k, p) for p, k in keys[::2])
        short_clause, short_params = bulk.in_values(conn, [keys[0][1]])
        assert bulk.driver_rows(conn, f'SELECT person_id FROM name_keys WHERE "key"{short_clause}',
                                short_params) == [(keys[0][0],)]
        texts = ["Иванов", "O'Neil", 'say "hi"', "back\\slash", "a,b", "{x}", ""]
        clause, params = bulk.in_values(conn, texts)
        row = bulk.driver_rows(conn, f"SELECT count(*) FROM (SELECT 'O''Neil' AS t UNION ALL SELECT 'back\\slash' "
                                     f"UNION ALL SELECT 'zz') q WHERE t{clause}", params)
        assert row == [(2,)]
    if db.backend == "postgresql":
        assert (clause, len(params)) == (" = ANY(%s)", 1) and short_clause == " = ANY(%s::bigint[])"
    else:
        assert clause == " IN (" + ", ".join(["?"] * len(texts)) + ")" and len(params) == len(texts)
