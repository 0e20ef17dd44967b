"""Consistent backups while the database is in use, and restores that check before they replace.

SQLite: SQLite's online backup API copies the live database (a consistent snapshot even while others
write). PostgreSQL (or any backend, with ``logical=True``): every table is read inside one REPEATABLE
READ transaction and written as gzipped JSON Lines with a manifest (row counts, SHA-256) at the end.

A backup is written to an anonymous file that gets its name only when complete, so a killed backup
leaves nothing behind (where the file system cannot, a ``.partial`` file is removed on failure).
``restore`` checks the whole input first (services/backup_check.py) and refuses anything short,
foreign or damaged with the database unchanged; a SQLite database is kept aside until the restored
copy has passed its integrity check and row counts, a PostgreSQL one by the single transaction.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gzip
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from kartoteka.db.audit import drain_spool
from kartoteka.db.schema import current_revision
from kartoteka.db.spool import renew
from kartoteka.db.tables import metadata
from kartoteka.errors import N_, InvalidInput
from kartoteka.services.backup_check import DUMP_FORMAT, check_sqlite_file, coerce_row, expected_columns, read_dump
from kartoteka.services.files import FILE_MODE, private_dir, private_file

SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
_AT_FDCWD, _AT_SYMLINK_FOLLOW = -100, 0x400


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput.of(N_("backup of an in-memory SQLite database is not possible"))
    return database


def _link_anonymous(fd: int, target: Path) -> bool:
    """Give the anonymous file ``fd`` the name ``target`` (Linux linkat); False where that is impossible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        if libc.linkat(_AT_FDCWD, f"/proc/self/fd/{fd}".encode(), _AT_FDCWD, str(tmp).encode(),
                       _AT_SYMLINK_FOLLOW) != 0:
            return False
        tmp.replace(target)
        return True
    except (OSError, AttributeError):
        return False


@contextmanager
def _output(target: Path) -> Iterator[IO[bytes]]:
    """A file that appears at ``target`` only once it is complete."""
    private_dir(target.parent)
    try:
        fd = os.open(target.parent, os.O_TMPFILE | os.O_RDWR, FILE_MODE)
    except (OSError, AttributeError):
        fd = -1
    if fd >= 0:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            if _link_anonymous(fh.fileno(), target):
                return
            fh.seek(0)
            data = fh.read()
        with open(private_file(target), "wb") as out:
            out.write(data)
        return
    partial = private_file(target.with_name(target.name + ".partial"))
    try:
        with partial.open("wb") as fh:
            yield fh
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def backup(engine: Engine, target: Path, *, logical: bool = False) -> str:
    """Write a snapshot to ``target``; returns 'sqlite' or 'logical'."""
    drain_spool(engine, wait=30.0)   # readers' spooled audit entries (db/spool.py) go into the snapshot
    if engine.dialect.name == "sqlite" and not logical:
        src = sqlite3.connect(_sqlite_path(engine), timeout=30)
        mem = sqlite3.connect(":memory:")
        try:
            src.backup(mem)
            data = mem.serialize()
        finally:
            mem.close()
            src.close()
        with _output(target) as fh:
            fh.write(data)
        return "sqlite"
    with engine.connect() as conn, _output(target) as raw, gzip.GzipFile(fileobj=raw, mode="wb") as fh:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        head = {"kartoteka_backup": DUMP_FORMAT, "revision": current_revision(engine),
                "tables": [t.name for t in metadata.sorted_tables], "at": dt.datetime.now(dt.timezone.utc).isoformat()}
        fh.write(json.dumps(head).encode() + b"\n")
        digest, counts = hashlib.sha256(), {}
        for table in metadata.sorted_tables:
            counts[table.name] = 0
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                line = json.dumps({"t": table.name, "r": dict(row)}, ensure_ascii=False, default=str).encode() + b"\n"
                digest.update(line)
                fh.write(line)
                counts[table.name] += 1
        fh.write(json.dumps({"manifest": {"rows": counts, "sha256": digest.hexdigest()}}).encode() + b"\n")
        conn.rollback()
    return "logical"


def restore(engine: Engine, source: Path) -> dict[str, int]:
    """Replace the database contents with ``source``; returns rows restored per table.

    Raises InvalidInput, with the database unchanged, when ``source`` is not a complete backup of this
    schema.
    """
    if not source.is_file():
        raise InvalidInput.of(N_("%(file)s: no such backup file"), file=str(source))
    if engine.dialect.name == "sqlite" and drain_spool(engine, wait=30.0):
        renew(engine)   # readers' spooled entries stay with the database being replaced (db/spool.py)
    with source.open("rb") as fh:
        magic = fh.read(16)
    if magic.startswith(SQLITE_MAGIC):
        counts = check_sqlite_file(source)
        if engine.dialect.name == "sqlite":
            return _swap_sqlite(engine, source, counts)
        return _replace_all(engine, _sqlite_rows(source))
    if magic.startswith(GZIP_MAGIC):
        return _replace_all(engine, read_dump(source))
    raise InvalidInput.of(N_("%(file)s: not a Kartoteka backup (neither a SQLite file nor a gzipped dump)"),
                          file=str(source))


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in expected_columns()}


def _swap_sqlite(engine: Engine, source: Path, counts: dict[str, int]) -> dict[str, int]:
    """Copy a checked SQLite backup over the live database, keeping the old one aside until verified."""
    path = _sqlite_path(engine)
    aside_path = Path(path + ".before-restore")
    engine.dispose()
    live = sqlite3.connect(path, timeout=30)
    aside = sqlite3.connect(private_file(aside_path))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        live.backup(aside)
        src.backup(live)
        if live.execute("PRAGMA integrity_check").fetchall() != [("ok",)] or _counts(live) != counts:
            aside.backup(live)
            raise InvalidInput.of(N_("%(file)s: the restored copy did not verify; the database was put back"),
                                      file=source.name)
    finally:
        src.close()
        aside.close()
        live.close()
    aside_path.unlink(missing_ok=True)
    return counts


def _sqlite_rows(source: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {name: [coerce_row(name, dict(r), f"{source.name}: {name}") for r in conn.execute(f'SELECT * FROM "{name}"')]
                for name in expected_columns()}
    finally:
        conn.close()


def _replace_all(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Replace every table's rows in one transaction; anything the database refuses rolls it all back."""
    expected = {name: len(r) for name, r in rows.items()}
    try:
        with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))
            for table in metadata.sorted_tables:
                if rows.get(table.name):
                    conn.execute(insert(table), rows[table.name])
                if conn.dialect.name == "postgresql" and "id" in table.c and table.c.id.autoincrement is not False \
                        and table.c.id.type.python_type is int:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
            found = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in metadata.sorted_tables}
            if found != expected:
                raise InvalidInput.of(N_("the restored rows did not verify; nothing was changed"))
    except (DBAPIError, StatementError) as exc:
        raise InvalidInput.of(N_("the backup's rows are refused by the database (%(error)s); nothing was changed"),
                              error=type(exc.orig or exc).__name__) from None
    return expected
