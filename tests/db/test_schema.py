import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kartoteka.db.schema import current_revision, head_revision
from kartoteka.db.tables import metadata
from tests.conftest import Db


def test_migrations_match_the_tables(db: Db) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == [], diff


def test_a_new_registry_s_name_keys_stay_current_through_its_first_import(db: Db, tmp_path: object) -> None:
    """A fresh database's stored name keys are current (there are none); the first import keeps them so,
    and the first search re-keys nobody (it used to re-key the whole registry: 27 s CPU at 100k)."""
    from pathlib import Path

    from sqlalchemy import select

    from kartoteka.db.tables import audit_head, name_keys_state
    from kartoteka.services.imports import import_file
    from kartoteka.services.name_index import sync_name_index

    assert isinstance(tmp_path, Path)
    (tmp_path / "p.csv").write_text("name,birth_date\nШевчук Олена Петрівна,1990\nАблаєв Сервер,1975\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    with db.engine.connect() as conn:
        mark = conn.execute(select(name_keys_state.c.seq)).scalar()
        head = conn.execute(select(audit_head.c.changed_seq)).scalar()
    assert mark == head and mark is not None and mark > 0
    assert not sync_name_index(db.engine)     # nothing to re-key


def test_one_assessment_in_progress_is_a_partial_unique_index(db: Db) -> None:
    """tables.py declares the index without its predicate (it would load both SQL dialects at import);
    the database's index, made by migration 0016, is partial: approved assessments may repeat."""
    from sqlalchemy import text

    sql = ("SELECT sql FROM sqlite_master WHERE name = 'uq_assessments_in_progress'" if db.backend == "sqlite" else
           "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_assessments_in_progress'")
    with db.engine.connect() as conn:
        ddl = conn.execute(text(sql)).scalar_one()
    assert "UNIQUE" in ddl.upper() and "WHERE" in ddl.upper() and "deleted_at IS NULL" in ddl


def test_names_without_a_given_name_have_a_partial_index_that_the_matcher_s_query_uses(db: Db) -> None:
    """Migration 0034's index holds only the names whose given name is empty or whitespace; the query of
    StoredMatcher.bare_rows repeats its predicate (matching/stored.py no_given_name), so the database may use it,
    and SQLite does (a named index that cannot serve the predicate is refused: the predicates are the same)."""
    from sqlalchemy import text

    from kartoteka.matching.stored import no_given_name

    sql = ("SELECT sql FROM sqlite_master WHERE name = 'ix_person_names_no_given'" if db.backend == "sqlite" else
           "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_person_names_no_given'")
    with db.engine.connect() as conn:
        ddl = conn.execute(text(sql)).scalar_one()
        assert "WHERE" in ddl.upper() and "trim(" in ddl and "\u3000" in ddl and "UNIQUE" not in ddl.upper()
        if db.backend == "sqlite":
            assert ddl.endswith(f"WHERE {no_given_name('sqlite')}")
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN SELECT DISTINCT person_id FROM person_names "
                f"WHERE {no_given_name('sqlite')} AND person_id IN (1, 2, 3)"))
            assert "ix_person_names_no_given" in plan, plan
            conn.exec_driver_sql(f"SELECT person_id FROM person_names INDEXED BY ix_person_names_no_given "
                                 f"WHERE {no_given_name('sqlite')} AND person_id IN (1, 2, 3)").all()
            # the predicate written differently: the index cannot serve it, and SQLite says so
            with pytest.raises(Exception, match="no query solution"):
                conn.exec_driver_sql("SELECT person_id FROM person_names INDEXED BY ix_person_names_no_given "
                                     "WHERE trim(given_name) = '' AND person_id IN (1, 2, 3)").all()


def test_importing_the_tables_loads_no_sql_dialect() -> None:
    import json
    import subprocess
    import sys

    code = "import json, sys\nimport kartoteka.db.tables\nprint(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout)
    assert [m for m in loaded if m.startswith("sqlalchemy.dialects.")] == []


def test_name_keys_lose_their_foreign_key_and_keep_their_rows_both_ways(db: Db, tmp_path: object) -> None:
    """Migration 0025 on a registry with persons and keys: the keys stay (and stay consistent), the foreign
    key goes; its downgrade puts the foreign key back with the same rows."""
    from pathlib import Path

    from alembic import command
    from sqlalchemy import func, inspect, select

    from kartoteka.db.schema import alembic_config, upgrade_schema
    from kartoteka.db.tables import name_keys
    from kartoteka.services.imports import import_file
    from kartoteka.services.name_index import check_name_index

    assert isinstance(tmp_path, Path)
    (tmp_path / "p.csv").write_text("id,name,birth_date\nP1,Шевчук Олена Петрівна,1990\nP2,Абляєв Сервер,1975\n"
                                    "P3,Коваль-Мельник Андрій,1979-03-01\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")

    def state() -> tuple[int, list[list[str]]]:
        with db.engine.connect() as conn:
            rows = int(conn.execute(select(func.count()).select_from(name_keys)).scalar_one())
            fks = [fk["referred_columns"] + [fk["referred_table"]] for fk in inspect(conn).get_foreign_keys("name_keys")]
        return rows, fks

    rows, fks = state()
    assert rows > 3 * 5 and fks == []
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0024")
    assert state() == (rows, [["id", "persons"]])
    upgrade_schema(db.engine)
    assert state() == (rows, []) and current_revision(db.engine) == head_revision()
    assert check_name_index(db.engine).ok


def test_stored_duplicate_pairs_get_their_persons_ids_both_ways(db: Db, tmp_path: object) -> None:
    """Migration 0026 on a registry with stored pairs: the new columns are filled from persons, the pairs
    read as before; the downgrade drops the columns and keeps the pairs."""
    from pathlib import Path

    from alembic import command
    from sqlalchemy import select

    from kartoteka.db.schema import alembic_config, upgrade_schema
    from kartoteka.db.tables import duplicate_pairs
    from kartoteka.services.imports import import_file
    from kartoteka.services.matching import find_duplicates

    assert isinstance(tmp_path, Path)
    (tmp_path / "p.csv").write_text("id,name,birth_date\nP1,Шевчук Олена Петрівна,1990-01-02\n"
                                    "P2,Shevchuk Olena Petrivna,1990-01-02\nP3,Абляєв Сервер,1975\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    before = [(p.ext_id, p.other_ext_id, p.score) for p in find_duplicates(db.engine)]
    assert [(a, b) for a, b, _ in before] == [("P1", "P2")]
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0025")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM duplicate_pairs").scalar_one() == 1
    upgrade_schema(db.engine)
    with db.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(select(duplicate_pairs.c.ext_id, duplicate_pairs.c.other_ext_id))] \
            == [("P1", "P2")]
    assert [(p.ext_id, p.other_ext_id, p.score) for p in find_duplicates(db.engine)] == before
    assert current_revision(db.engine) == head_revision()


def test_duplicate_reasons_and_the_name_keys_recompute_both_ways(db: Db, tmp_path: object) -> None:
    """Migrations 0028 (duplicate_pairs.reasons) and 0029 (name data changed: every person's keys computed
    again at the next search) on a registry with stored pairs and keys: down to 0027 and up again, the
    pairs read as before (without reasons until scored again), the index is marked, and the next search
    leaves it consistent, with the new keys (Turkic patronymic words)."""
    from pathlib import Path

    from alembic import command
    from sqlalchemy import select

    from kartoteka.db.schema import alembic_config, upgrade_schema
    from kartoteka.db.tables import name_keys_state
    from kartoteka.services.imports import import_file
    from kartoteka.services.matching import find_duplicates, search_persons
    from kartoteka.services.name_index import check_name_index

    assert isinstance(tmp_path, Path)
    (tmp_path / "p.csv").write_text("id,name,birth_date\nP1,Мамедов Рустем Али огълу,1990-01-02\n"
                                    "P2,Mamedov Rustem Ali oğlu,1990-01-02\nP3,Абляєв Сервер,1975\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    before = [(p.ext_id, p.other_ext_id, p.score) for p in find_duplicates(db.engine)]
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0027")
    upgrade_schema(db.engine)
    with db.engine.connect() as conn:
        assert conn.execute(select(name_keys_state.c.seq)).scalar_one() == -1
    assert [(p.ext_id, p.other_ext_id, p.score) for p in find_duplicates(db.engine)] == before
    assert [h.ext_id for h in search_persons(db.engine, text="Мамедов Рустем")][:2] in (["P1", "P2"], ["P2", "P1"])
    assert check_name_index(db.engine).ok
    assert current_revision(db.engine) == head_revision()


def test_match_decisions_are_found_by_person_through_an_index_both_ways(db: Db) -> None:
    """Migration 0033: match_decisions.person_id has an index (a person's judgements were read by a scan of every
    decision); down to 0032 it is gone, up again it is back, and the database uses it for a person's decisions."""
    from alembic import command
    from sqlalchemy import inspect, text

    from kartoteka.db.schema import alembic_config, upgrade_schema

    def indexed() -> list[list[str | None]]:
        return [i["column_names"] for i in inspect(db.engine).get_indexes("match_decisions")]

    assert ["person_id"] in indexed()
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0032")
    assert ["person_id"] not in indexed() and ["query_key"] in indexed()
    upgrade_schema(db.engine)
    assert ["person_id"] in indexed() and current_revision(db.engine) == head_revision()
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            plan = " ".join(str(r[-1]) for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT * FROM match_decisions WHERE person_id = 1")))
        assert "ix_match_decisions_person_id" in plan, plan
