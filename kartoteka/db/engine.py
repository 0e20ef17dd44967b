"""The one way into the database: engines with the right pragmas, and transactions.

SQLite allows one writer at a time. A deferred transaction that reads and then writes fails at once
with "database is locked" when another writer got there first (the busy timeout cannot help: its
snapshot is stale). So on SQLite ``engine.begin()`` starts ``BEGIN IMMEDIATE``: a write transaction
takes the write lock first and waits its turn (busy timeout, then a bounded number of retries), while
``engine.connect()`` reads stay deferred and never wait for writers (WAL).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import BindParameter, Connection, Engine, bindparam, create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from kartoteka.errors import N_, Conflict
from kartoteka.db.chain import install as install_chain

_ENGINES: dict[str, Engine] = {}
BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 3
_WRITE = "kartoteka_write"
_BUSY = N_("the database is busy with another write; try again shortly")


class _SqliteEngine(Engine):
    """An engine whose ``begin()`` opens immediate (write-locking) transactions on SQLite.

    Threads of one process queue on a lock first (SQLite's busy handler polls with sleeps, so twenty
    waiting threads would starve each other); other processes are waited for by the busy timeout.
    """

    writers: threading.RLock

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        if not self.writers.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise Conflict.of(_BUSY)
        try:
            with self._immediate() as conn:
                yield conn
        finally:
            self.writers.release()

    @contextmanager
    def _immediate(self) -> Iterator[Connection]:
        for attempt in range(LOCK_RETRIES + 1):
            with self.connect() as conn:
                conn.execution_options(**{_WRITE: True})
                try:
                    trans = conn.begin()
                except OperationalError as exc:
                    if "locked" not in str(exc) or attempt == LOCK_RETRIES:
                        raise Conflict.of(_BUSY) from None
                    time.sleep(0.05 * (attempt + 1))
                    continue
                with trans:
                    yield conn
                return


@contextmanager
def try_write(engine: Engine, *, wait: float) -> Iterator[Connection | None]:
    """A write transaction if the write lock is free within ``wait`` seconds, else None (SQLite);
    elsewhere an ordinary transaction (PostgreSQL writers lock rows, not the database)."""
    if not isinstance(engine, _SqliteEngine):
        with engine.begin() as conn:
            yield conn
        return
    if not engine.writers.acquire(timeout=wait):
        yield None
        return
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            try:
                conn.execution_options(**{_WRITE: True})
                try:
                    trans = conn.begin()
                except OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    trans = None
                if trans is None:
                    yield None
                    return
                with trans:
                    yield conn
            finally:
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        engine.writers.release()


def _begin_sqlite(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_WRITE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        # No cap on connections: a capped pool deadlocks when every pooled connection waits for the
        # write lock that a transaction holds while it asks for one more (SQLite connections are cheap).
        engine = create_engine(url, connect_args={"check_same_thread": False}, max_overflow=-1)
        engine.__class__ = _SqliteEngine
        cast(_SqliteEngine, engine).writers = threading.RLock()
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself so transactions are real (pysqlite's legacy mode defers them);
        # write transactions (engine.begin()) take the write lock at once.
        event.listen(engine, "begin", _begin_sqlite)

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None

        return engine
    # Enough connections for every thread of the web server's pool (40): fewer starve some requests.
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)
    install_chain(engine)   # audit entries are chained when their transaction commits (db/chain.py)
    return engine


def get_engine(url: str) -> Engine:
    """A process-wide engine per URL, built on first use."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed on success, rolled back on any error."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read connection; nothing it does is committed."""
    with engine.connect() as conn:
        yield conn
        conn.rollback()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def ids_param(key: str = "ids") -> BindParameter[Any]:
    """A list parameter (``IN (...)``) for statements built once and executed many times: building a
    statement costs more than running a small one."""
    return bindparam(key, expanding=True)


def lock_writes(conn: Connection, name: str) -> None:
    """Serialise transactions that take the same ``name`` (concurrent imports): on PostgreSQL a
    transaction-scoped advisory lock; on SQLite the immediate transaction already is one writer."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"kartoteka:{name}"})


@contextmanager
def conflicts_as(message: str) -> Iterator[None]:
    """Turn a unique-constraint violation (two writers raced for the same record) into Conflict."""
    try:
        yield
    except IntegrityError as exc:
        if "unique" not in str(exc.orig).lower() and "duplicate" not in str(exc.orig).lower():
            raise
        raise Conflict(message) from None   # a Message (errors.Message) stays translatable
