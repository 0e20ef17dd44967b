"""The SQLite audit spool: a reader's audit entry does not wait while another writer holds the lock,
is durable at once, and enters the hash chain exactly once, in order, on the next write."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from kartoteka.db.audit import drain_spool, log_event
from kartoteka.db.spool import pending, spool_path
from kartoteka.db.tables import audit_log, persons
from kartoteka.services.access import Principal, view_person
from kartoteka.services.auditlog import verify_audit
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import write_registry
from tests.conftest import Db, fresh_db

EDITOR = Principal("ed", "editor")


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    yield from fresh_db(request, tmp_path / "k.db", "sqlite")


def _confidential(db: Db, tmp_path: Path) -> str:
    files = write_registry(tmp_path / "reg", 3, seed=2)
    import_file(db.engine, "persons", files["persons"], actor="setup")
    with db.engine.begin() as conn:
        conn.execute(update(persons).where(persons.c.ext_id == "P0000001").values(sensitivity="confidential"))
    return "P0000001"


def _reads(db: Db) -> list[tuple[int, str]]:
    with db.engine.connect() as conn:
        return [(r.seq, r.actor) for r in conn.execute(select(audit_log.c.seq, audit_log.c.actor)
                                                       .where(audit_log.c.action == "read").order_by(audit_log.c.seq))]


def test_a_read_during_another_processes_write_is_spooled_then_chained_once(sqlite_db: Db, tmp_path: Path) -> None:
    ref = _confidential(sqlite_db, tmp_path)
    other = sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")   # another process's long import holds the write lock
    try:
        started = time.monotonic()
        shown = view_person(sqlite_db.engine, EDITOR, ref, via="page")
        waited = time.monotonic() - started
        assert shown.person["ext_id"] == ref and waited < 2.0
        assert pending(sqlite_db.engine) == 1 and _reads(sqlite_db) == []
        spooled = spool_path(sqlite_db.url.removeprefix("sqlite:///"))
        assert spooled is not None and spooled.stat().st_mode & 0o777 == 0o600
        assert drain_spool(sqlite_db.engine) is False     # the lock is still held: nothing moves
        # a short wait: verify_audit's default (VERIFY_WAIT, bound when it was defined) waited the full 30 s
        state = verify_audit(sqlite_db.engine, wait=0.1)
        assert state.ok and state.spooled == 1   # counted while it waits, not lost
    finally:
        other.execute("ROLLBACK")
        other.close()
    with sqlite_db.engine.begin() as conn:   # the next write chains the spooled read before its own entry
        log_event(conn, entity="person", entity_id=1, action="restore", actor="later")
    assert _reads(sqlite_db) and _reads(sqlite_db)[0][1] == "ed"
    with sqlite_db.engine.connect() as conn:
        later = conn.execute(select(audit_log.c.seq).where(audit_log.c.actor == "later")).scalar_one()
    assert _reads(sqlite_db)[0][0] == later - 1
    assert pending(sqlite_db.engine) == 0
    drain_spool(sqlite_db.engine)
    assert len(_reads(sqlite_db)) == 1 and verify_audit(sqlite_db.engine).ok and verify_audit(sqlite_db.engine).spooled == 0


def test_a_rolled_back_transaction_leaves_spooled_entries_for_the_next(sqlite_db: Db, tmp_path: Path) -> None:
    ref = _confidential(sqlite_db, tmp_path)
    other = sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    view_person(sqlite_db.engine, EDITOR, ref, via="page")
    view_person(sqlite_db.engine, EDITOR, ref, via="api")
    other.execute("ROLLBACK")
    other.close()
    with pytest.raises(RuntimeError), sqlite_db.engine.begin() as conn:
        log_event(conn, entity="person", entity_id=1, action="restore", actor="failed")
        raise RuntimeError("the import failed after writing entries")
    assert pending(sqlite_db.engine) == 2 and _reads(sqlite_db) == []
    assert drain_spool(sqlite_db.engine)
    assert [a for _, a in _reads(sqlite_db)] == ["ed", "ed"] and pending(sqlite_db.engine) == 0
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.actor == "failed")).scalar() == 0
    assert verify_audit(sqlite_db.engine).ok
    assert spool_path(sqlite_db.url.removeprefix("sqlite:///")) is not None


def test_no_spool_without_contention(sqlite_db: Db, tmp_path: Path) -> None:
    ref = _confidential(sqlite_db, tmp_path)
    view_person(sqlite_db.engine, EDITOR, ref, via="page")
    assert len(_reads(sqlite_db)) == 1
    path = spool_path(sqlite_db.url.removeprefix("sqlite:///"))
    assert path is not None and not path.exists()


def test_memory_databases_have_no_spool() -> None:
    assert spool_path(":memory:") is None and spool_path(None) is None and spool_path("") is None
    assert spool_path("/data/k.db") == Path("/data/k.db.audit-spool")


def test_a_backup_takes_spooled_entries_with_it(sqlite_db: Db, tmp_path: Path) -> None:
    from kartoteka.services.backup import backup

    ref = _confidential(sqlite_db, tmp_path)
    other = sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    view_person(sqlite_db.engine, EDITOR, ref, via="page")
    other.execute("ROLLBACK")
    other.close()
    assert pending(sqlite_db.engine) == 1
    backup(sqlite_db.engine, tmp_path / "copy.db")
    with closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
        assert copy.execute("SELECT count(*) FROM audit_log WHERE action = 'read'").fetchone()[0] == 1
    assert pending(sqlite_db.engine) == 0
