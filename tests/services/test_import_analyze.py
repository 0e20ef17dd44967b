"""A large import vacuums and refreshes PostgreSQL's planner statistics of the tables it filled
(services/imports.py ``analyze_after``); SQLite's planner is left to its own rules (no ANALYZE there)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from kartoteka.services import imports
from kartoteka.services.imports import import_file
from tests.conftest import Db


def _persons(n: int) -> str:
    return "id,surname,given_name,birth_date\n" + "".join(
        f"P{i},Тестенко-{i % 97},Олена,{1950 + i % 50}-0{1 + i % 9}-1{i % 9}\n" for i in range(1, n + 1))


def test_a_large_import_leaves_the_planner_statistics_current_and_the_tables_vacuumed(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(_persons(imports.ANALYZE_ROWS + 20), "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            rows = dict(conn.execute(text(
                "SELECT relname, reltuples FROM pg_class WHERE relname IN ('persons', 'name_keys')")).all())
            assert rows["persons"] == imports.ANALYZE_ROWS + 20
            assert rows["name_keys"] > rows["persons"]
            # vacuumed: its pages marked all-visible, so the stored index's reads stay in the index
            visible = dict(conn.execute(text(
                "SELECT relname, relallvisible FROM pg_class WHERE relname IN ('persons', 'name_keys')")).all())
            assert visible["name_keys"] > 0 and visible["persons"] > 0
        else:
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() is None


def test_a_small_import_does_not_analyze(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(_persons(30), "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    if db.backend == "postgresql":
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'persons'")).scalar() <= 0
