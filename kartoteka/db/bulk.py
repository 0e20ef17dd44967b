"""Fast multi-row inserts for large imports.

On SQLite, SQLAlchemy's per-row parameter processing costs more than SQLite itself, so rows go to
the DBAPI cursor's ``executemany`` directly, with each column's bind processor applied (datetimes
become the same text SQLAlchemy would store). On PostgreSQL (psycopg) they go through COPY, with the
same bind processors. Other backends use SQLAlchemy's executemany.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from operator import add, itemgetter
from typing import Any, cast

from sqlalchemy import BigInteger, Boolean, Connection, DateTime, Engine, Float, Index, Integer, String, Table, insert


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if table.name == "audit_log":  # every audit entry joins the hash chain, however it is written
        from kartoteka.db.chain import append_entries
        append_entries(conn, rows)
        return
    insert_rows(conn, table, rows)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], *, into: str | None = None) -> None:
    """The insert itself (bulk_insert without the audit log's chaining); ``into``: another table of the same
    columns (a temporary one) than ``table``."""
    if not rows:
        return
    if not _fast(conn):
        if into is not None:
            raise ValueError("rows go into another table by COPY (psycopg) or on SQLite only")
        conn.execute(insert(table), rows)
        return
    cols = list(rows[0].keys())
    defaults = _defaults(table, cols)
    cols += list(defaults)
    _insert_params(conn, table, cols, _params(conn, table, cols, defaults, rows), into)


def insert_tuples(conn: Connection, table: Table, cols: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """``insert_rows`` of rows given as tuples in ``cols`` order (a large import's rows, made as tuples: no
    dict per row to build and take apart again); the columns' defaults and bind processors as there."""
    if not rows:
        return
    if not _fast(conn):
        conn.execute(insert(table), [dict(zip(cols, r)) for r in rows])
        return
    defaults = _defaults(table, cols)
    if defaults:
        tail = tuple(defaults.values())
        rows = [r + tail for r in rows]
    names = [*cols, *defaults]
    _insert_params(conn, table, names, _processed(conn, table, names, rows), None)


def _fast(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" or (conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg")


def _defaults(table: Table, cols: Sequence[str]) -> dict[str, Any]:
    return {c.name: getattr(c.default, "arg", None) for c in table.columns
            if c.name not in cols and c.default is not None and c.default.is_scalar}


def _insert_params(conn: Connection, table: Table, cols: list[str], params: list[tuple[Any, ...]],
                   into: str | None) -> None:
    if conn.dialect.name == "postgresql":   # COPY: one stream instead of a statement per batch of rows
        copy_rows(conn, into or table.name, cols, params, types=binary_types(table, cols, params))
        return
    sql = f'INSERT INTO {into or table.name} ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})'
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """The rows of a read in the driver's own SQL and placeholders, through its cursor in the connection's
    transaction: SQLAlchemy's result rows cost about 4 us a row (a stored-index match at a million persons
    reads some 850,000 rows of candidates and blocks), the driver's fetchall well under one."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def mark(conn: Connection) -> str:
    """The driver's placeholder: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def int_array(values: Sequence[int]) -> str:
    """PostgreSQL's text of an array of these integers (for ``%s::bigint[]``): psycopg's list dumper costs
    several times more."""
    return "{" + ",".join(map(str, values)) + "}"


def in_values(conn: Connection, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`` IN (?, ?, ...)`` over ``values`` in the driver's SQL, with its parameters; on PostgreSQL
    `` = ANY(%s)`` with the values as one array. The statement's text is then the same whatever their
    number: psycopg converted a 2,000-placeholder statement anew each time (5 ms of CPU: a fifth of a
    stored-index ``match`` at a million persons), and the server parses one parameter, not 2,000.
    ``values`` must not be empty (neither form has a meaning then)."""
    if conn.dialect.name == "postgresql":
        if all(type(v) is int for v in values):
            return " = ANY(%s::bigint[])", [int_array(values)]
        return " = ANY(%s)", [list(values)]
    return f" IN ({', '.join([mark(conn)] * len(values))})", list(values)


def driver_iter(conn: Connection, sql: str, params: Sequence[Any] = (), *, size: int = 20_000) -> Iterator[Any]:
    """As ``driver_rows``, read ``size`` rows at a time (a whole registry: not all of its rows at once)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(params))
        while rows := cursor.fetchmany(size):
            yield from rows
    finally:
        cursor.close()


DEFER_ROWS = 50_000   # a bulk load of this many rows or more may build a table's indexes after its rows


def vacuum_analyze(engine: Engine, tables: str) -> None:
    """PostgreSQL: VACUUM (ANALYZE) these tables (a comma-separated list) after a bulk write, outside any
    transaction (services/imports.py analyze_after: why); nothing elsewhere."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {tables}")


@contextmanager
def indexes_after(conn: Connection, tables: Sequence[Table], *, rows: int | None, existing: int,
                  first_load: bool = False) -> Iterator[bool]:
    """Build these tables' indexes after the block's inserts, when that is cheaper: on SQLite, for a load
    of ``rows`` rows (DEFER_ROWS or more) into a registry that holds fewer (``existing``); on PostgreSQL,
    only for the ``first_load`` of a registry (one that holds none: ``existing`` 0). Yields whether it
    does. Inserting rows into an index in random key order costs a page miss per row once the index is
    larger than the cache, so a large first import grew faster than its rows; building the index at the
    end sorts once (PostgreSQL, 11.9M name keys: 53 s through the live indexes, 12 s by COPY and then
    CREATE INDEX; a staging table and one ordered INSERT took 56 s, as each row still entered both
    indexes one at a time).

    Everything happens in the caller's transaction: the indexes are dropped now and created again when
    the block ends normally; on an exception they are not, and the rollback brings them back (schema
    changes are transactional on both databases). Only plain indexes are dropped; a unique one stays,
    since a constraint must hold while the rows go in, and a partial one (``info["partial"]``) too, as
    tables.py does not repeat its predicate. On SQLite readers keep seeing the committed schema
    meanwhile; on PostgreSQL dropping an index locks its table against every reader until the load
    commits, which only a registry with nothing in it yet can afford (a search waits for the load, and
    then finds what it brought)."""
    dropped: list[Index] = []
    large = rows is not None and rows >= DEFER_ROWS
    if large and rows is not None and (conn.dialect.name == "sqlite" and rows > existing
                                       or conn.dialect.name == "postgresql" and first_load and existing == 0):
        dropped = [ix for t in tables for ix in sorted(t.indexes, key=lambda ix: str(ix.name))
                   if not ix.unique and not ix.info.get("partial")]   # (made again from tables.py: no predicate)
    for ix in dropped:
        ix.drop(conn)
    yield bool(dropped)
    with _sort_cache(conn, bool(dropped)):
        for ix in dropped:
            ix.create(conn)


SORT_CACHE_KIB = 2048   # SQLite's page cache while it builds an index after a load


@contextmanager
def _sort_cache(conn: Connection, building: bool) -> Iterator[None]:
    """On SQLite, a small page cache while indexes are built: CREATE INDEX sorts in batches of the cache's
    size, and small batches sort faster (12.8M name keys: 11.4-13.1 s with the 64 MB cache the engine
    sets, 4.7-5.0 s with 2 MB; 23 s with the batches in memory). The cache is set back after."""
    if not building or conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        if before is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
              types: Sequence[str] | None = None) -> None:
    """COPY ``rows`` (values in ``columns`` order, already in the database's form) into ``table``
    (PostgreSQL with psycopg); with ``types`` (PostgreSQL type names, one per column, as
    ``binary_types`` gives them), in COPY's binary format. Text format escapes every character of every
    value in Python; binary sends the bytes as they are: an audit entry of 500 characters cost 3.0 us of
    the importing process's CPU, 0.55 us in binary."""
    quote = conn.dialect.identifier_preparer.quote
    binary = " (FORMAT BINARY)" if types is not None else ""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY {quote(table)} ({", ".join(quote(c) for c in columns)}) FROM STDIN{binary}') as copy:
        if types is not None:
            copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


# Binary COPY takes each value as its column's type exactly (text COPY converts a number written into a
# text column, a naive time into a zoned one ...): the Python type each column type takes as it is
_BINARY: tuple[tuple[type[Any], str, type[Any]], ...] = (
    (BigInteger, "int8", int), (Integer, "int4", int), (Boolean, "bool", bool), (Float, "float8", float),
    (DateTime, "timestamptz", dt.datetime), (String, "text", str))   # (BigInteger is an Integer, Text a String)
_INT4 = range(-2**31, 2**31)


def _binary(col_type: Any) -> tuple[str, type[Any]] | None:
    """(type name, the Python type it takes as it is) of a column type that binary COPY handles, else None."""
    found = next(((name, kind) for sa_type, name, kind in _BINARY if isinstance(col_type, sa_type)), None)
    return None if isinstance(col_type, DateTime) and not col_type.timezone else found


def column_types(table: Table, cols: Sequence[str]) -> list[str]:
    """The type names of ``table``'s ``cols`` for a binary COPY of values known to be of their columns'
    types (read back from the database, or made as the columns take them)."""
    types: list[str] = []
    for c in cols:
        found = _binary(table.c[c].type)
        if found is None:
            raise TypeError(f"{table.name}.{c}: no binary COPY type")
        types.append(found[0])
    return types


def binary_types(table: Table, cols: Sequence[str], params: Sequence[Sequence[Any]]) -> list[str] | None:
    """The type names for a binary COPY of ``params`` into ``table``'s ``cols``, when every value is None
    or of exactly the Python type its column takes in binary as it is (``_BINARY``; an integer within
    int4, a time with its zone); else None (text COPY, which converts)."""
    types: list[str] = []
    for i, c in enumerate(cols):
        found = _binary(table.c[c].type)
        if found is None:
            return None
        name, kind = found
        column = list(map(itemgetter(i), params))
        if not set(map(type, column)) <= {kind, type(None)}:
            return None
        if name == "int4" and not all(v in _INT4 for v in column if v is not None):
            return None
        if name == "timestamptz" and not all(v.tzinfo is not None for v in set(column) if v is not None):
            return None
        types.append(name)
    return types


def _params(conn: Connection, table: Table, cols: list[str], defaults: dict[str, Any],
            rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each row as a tuple in ``cols`` order (a column's default where the rows lack it), through the
    columns' bind processors. A processor runs once per value object of its column: an import's rows
    share their timestamps, and most columns have none."""
    width = len(rows[0])
    if width and all(len(r) == width for r in rows):
        getter = itemgetter(*cols[:width])
        try:
            values: list[Any] = list(map(getter, rows)) if width > 1 else [(v,) for v in map(getter, rows)]
        except KeyError:   # same number of keys, other keys: the general way
            values = [tuple(r.get(c, defaults.get(c)) for c in cols) for r in rows]
        else:
            if defaults:
                tail = tuple(defaults.values())
                values = [v + tail for v in values]
    else:
        values = [tuple(r.get(c, defaults.get(c)) for c in cols) for r in rows]
    return _processed(conn, table, cols, values)


def _processed(conn: Connection, table: Table, cols: list[str], values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows through their columns' bind processors, each run once per value object of its column."""
    processors = [(i, p) for i, c in enumerate(cols) if (p := _processor(conn, table, c)) is not None]
    if not processors or not values:
        return values
    shared = [(i, p, values[0][i]) for i, p in processors]
    if all(len(set(map(id, map(itemgetter(i), values)))) == 1 for i, _, _ in shared):
        # each such column holds one value object in every row (an import's timestamps): processed once,
        # put in place by an itemgetter (the rows with the processed values added, then reordered)
        tail = tuple(None if x is None else p(x) for _, p, x in shared)   # (None is never processed)
        moved = {i: len(cols) + k for k, (i, _, _) in enumerate(shared)}
        order = itemgetter(*(moved.get(i, i) for i in range(len(cols))))
        return list(map(order, map(add, values, repeat(tail)))) if len(cols) > 1 else [(tail[0],) for _ in values]
    # memoised by the value's identity (equal values can differ: 1 and True, one instant in two zones);
    # the rows keep every value alive meanwhile, so an id is never reused
    done: list[dict[int, Any]] = [{id(None): None} for _ in processors]
    out: list[tuple[Any, ...]] = []
    for v in values:
        row = list(v)
        for (i, p), memo in zip(processors, done):
            x = row[i]
            try:
                row[i] = memo[id(x)]
            except KeyError:
                row[i] = memo[id(x)] = p(x)
        out.append(tuple(row))
    return out


def _processor(conn: Connection, table: Table, column: str) -> Callable[[Any], Any] | None:
    """The column's bind processor; on SQLite, for a time column without one, the driver's own adapter
    (sqlite3 turns each datetime into text through a Python function, once per value: applied here it runs
    once per value object, and an import's rows share their timestamps; the stored text is the same)."""
    found = table.c[column].type.bind_processor(conn.dialect)
    if found is None and conn.dialect.name == "sqlite" and isinstance(table.c[column].type, DateTime):
        adapt = sqlite3.adapters.get((dt.datetime, sqlite3.PrepareProtocol))
        if adapt is not None:
            return lambda v: adapt(v) if type(v) is dt.datetime else v   # (the driver looks the exact type up)
    return cast(Callable[[Any], Any] | None, found)
