"""tests/pg_pool.py: a database used by one test comes back to the next exactly as fresh as a new copy
of the template (rows, sequences, schema), under another name; one whose schema was changed is dropped."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from kartoteka.db.audit import log_event
from kartoteka.db.engine import make_engine
from kartoteka.services.users import create_user
from tests.pg_pool import PgDatabases, Snapshot

State = tuple[str, dict[str, int], dict[str, tuple[int, bool]], str]


def _state(pool: PgDatabases, name: str) -> State:
    with create_engine(pool.url(name), poolclass=NullPool).connect() as conn:
        now = Snapshot(conn)
        return now.schema, now.counts, now.sequences, repr(sorted(now.rows.items()))


def _names(pool: PgDatabases) -> set[str]:
    with create_engine(pool.url("postgres"), poolclass=NullPool).connect() as conn:
        return set(conn.execute(text("SELECT datname FROM pg_database")).scalars())


def _handled(pool: PgDatabases, used: str) -> None:
    """Wait for the pool's thread to renew or refuse ``used``."""
    deadline = time.monotonic() + 60
    while used not in pool.renewed and used not in pool.refused:
        assert time.monotonic() < deadline, "the pool never took the database back"
        time.sleep(0.05)


def test_a_used_database_comes_back_as_fresh_as_a_new_copy(pg_databases: PgDatabases) -> None:
    pool = pg_databases
    first = pool.take()
    fresh = _state(pool, first)
    engine = make_engine(pool.url(first))
    create_user(engine, username="someone", password="correct horse battery staple", role="admin", actor="t")
    with engine.begin() as conn:
        log_event(conn, entity="person", entity_id=1, action="restore", actor="t")
        conn.execute(text("UPDATE alembic_version SET version_num = version_num || 'x'"))
    used = _state(pool, first)
    assert used[1] != fresh[1] and used[2] != fresh[2] and used[3] != fresh[3]   # rows, sequences, seeded rows
    with engine.connect() as idle:   # back in the engine's pool, still open: ended, as a drop ends it
        idle.execute(text("SELECT 1"))
    pool.give_back(first)
    _handled(pool, first)
    assert first not in pool.refused and first not in _names(pool)
    assert pool.renewed[first] != first and _state(pool, pool.renewed[first]) == fresh
    engine.dispose()


def test_a_database_whose_schema_changed_is_dropped_not_reused(pg_databases: PgDatabases) -> None:
    pool = pg_databases
    first = pool.take()
    with create_engine(pool.url(first), poolclass=NullPool).begin() as conn:
        conn.execute(text("ALTER TABLE persons ADD COLUMN secret text"))
    pool.give_back(first)
    _handled(pool, first)
    assert pool.refused[first] == ["schema"] and first not in pool.renewed
    assert first not in _names(pool) and first not in pool.existing
