"""Readers' audit entries on SQLite never wait for a long write: a durable spool next to the database.

SQLite has one write lock, and a long import holds it for its whole file. A reader's audit entry (a
confidential record shown, a report downloaded) is written at once when the lock is free within
``WAIT`` seconds; otherwise it goes to ``<database>.audit-spool``: a SQLite file of its own (WAL,
``synchronous=FULL``, its own lock, held for one small insert), in arrival order, before the reader
gets the data. Every SQLite transaction that appends audit entries first moves the spooled ones into
the hash chain, in spool order, ahead of its own (db/chain.py ``chain_rows``), and records in
``audit_spool_state`` (same transaction) the last spooled id it covered: a rolled-back transaction
moves nothing, and an entry at or below the committed mark is never chained twice. Spool rows at or
below the committed mark are deleted by the next drain. The spool's epoch (a random id written when
its file is made) keeps a new spool's ids from being mistaken for old ones.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from kartoteka.db.tables import audit_spool_state

WAIT = 0.2   # seconds a reader waits for the write lock before spooling its entry
SUFFIX = ".audit-spool"
_COLUMNS = ("at", "actor", "entity_type", "entity_id", "action", "field", "before", "after", "batch")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
    "actor TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id INTEGER NOT NULL, action TEXT NOT NULL, "
    "field TEXT, before TEXT, after TEXT, batch TEXT)",
    "CREATE TABLE IF NOT EXISTS meta (epoch TEXT NOT NULL)",
)
_TOOK = "kartoteka_spool_took"   # conn.info: (transaction, epoch, mark, state row exists) after its first take
_made: set[str] = set()
_made_lock = threading.Lock()
_local = threading.local()


def spool_path(database: str | None) -> Path | None:
    """The spool file of a SQLite database file (None for memory databases)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database + SUFFIX)


def _spool_of(conn_or_engine: Connection | Engine) -> Path | None:
    if conn_or_engine.dialect.name != "sqlite":
        return None
    return spool_path(conn_or_engine.engine.url.database)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():   # who read which confidential record: for the owner only (SQLite's -wal/-shm follow)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout=30000")
    if str(path) not in _made or not path.exists():
        with _made_lock:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")
            for stmt in _SCHEMA:
                db.execute(stmt)
            if db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0:
                db.execute("INSERT INTO meta (epoch) VALUES (?)", (uuid.uuid4().hex,))
            db.execute("COMMIT")
            _made.add(str(path))
    db.execute("PRAGMA synchronous=FULL")   # a spooled entry survives a crash once the reader has the data
    return db


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(_connect(path)) as db:
        yield db


def _cached(path: Path) -> sqlite3.Connection:
    """This thread's connection to the spool (writers look at it on every audited write: ~20 us, not
    the ~1 ms of a new connection); a new one when the file was replaced."""
    conns: dict[str, tuple[int, int, sqlite3.Connection]] = _local.__dict__.setdefault("conns", {})
    inode = path.stat().st_ino
    held = conns.get(str(path))
    if held is not None and held[:2] == (os.getpid(), inode):
        return held[2]
    if held is not None and held[0] == os.getpid():
        held[2].close()
    conns[str(path)] = (os.getpid(), inode, _connect(path))
    return conns[str(path)][2]


def spool(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append audit rows to the spool, durably, in order."""
    values = [(_iso(r["at"]), *(r.get(c) for c in _COLUMNS[1:])) for r in rows]
    with _open(path) as db:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(f"INSERT INTO entries ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                       values)
        db.execute("COMMIT")


def _iso(at: dt.datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)).isoformat()


def take(conn: Connection) -> list[dict[str, Any]]:
    """In a SQLite write transaction: the spooled entries not yet in the audit log, in order; the mark
    moves past them in this transaction (the caller chains and inserts them before its own entries)."""
    path = _spool_of(conn)
    if path is None or not path.exists():
        return []
    db = _cached(path)
    took: tuple[object, str, int, bool] | None = conn.info.get(_TOOK)
    if took is not None and took[0] is conn.get_transaction():   # the mark as this transaction left it
        _, epoch, mark, stored = took
    else:
        state = conn.execute(select(audit_spool_state.c.epoch, audit_spool_state.c.drained)
                             .where(audit_spool_state.c.id == 1)).first()
        epoch = str(db.execute("SELECT epoch FROM meta").fetchone()[0])
        mark = int(state.drained) if state is not None and state.epoch == epoch else 0
        stored = state is not None
        if mark:   # entries at or below the committed mark are in the log already
            db.execute("DELETE FROM entries WHERE id <= ?", (mark,))
    found = db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM entries WHERE id > ? ORDER BY id", (mark,)).fetchall()
    last = int(found[-1][0]) if found else mark
    conn.info[_TOOK] = (conn.get_transaction(), epoch, last, stored or bool(found))
    if not found:
        return []
    if not stored:
        conn.execute(insert(audit_spool_state).values(id=1, epoch=epoch, drained=last))
    else:
        conn.execute(update(audit_spool_state).where(audit_spool_state.c.id == 1).values(epoch=epoch, drained=last))
    return [{**dict(zip(_COLUMNS, r[1:])), "at": dt.datetime.fromisoformat(r[1])} for r in found]


def pending(engine: Engine) -> int:
    """How many spooled entries are not in the audit log yet (0 on PostgreSQL)."""
    path = _spool_of(engine)
    if path is None or not path.exists():
        return 0
    with engine.connect() as conn:
        state = conn.execute(select(audit_spool_state.c.epoch, audit_spool_state.c.drained)
                             .where(audit_spool_state.c.id == 1)).first()
    with _open(path) as db:
        epoch = str(db.execute("SELECT epoch FROM meta").fetchone()[0])
        mark = int(state.drained) if state is not None and state.epoch == epoch else 0
        return int(db.execute("SELECT count(*) FROM entries WHERE id > ?", (mark,)).fetchone()[0])


def renew(engine: Engine) -> None:
    """After a restore replaced the database: start a new spool epoch, so that entries the replaced
    database already holds (drained before the restore) do not enter the restored one's chain."""
    path = _spool_of(engine)
    if path is None or not path.exists():
        return
    with _open(path) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM entries")
        db.execute("UPDATE meta SET epoch = ?", (uuid.uuid4().hex,))
        db.execute("COMMIT")
