"""The one way into the database: engines with the right pragmas, and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import BindParameter, Connection, Engine, bindparam, create_engine, event

_ENGINES: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself so transactions are real (pysqlite's legacy mode defers them).
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True)


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
