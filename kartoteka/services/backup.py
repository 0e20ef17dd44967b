"""Consistent backups while the database is in use, and restores.

SQLite: SQLite's online backup API copies the live file page by page into a new database file; the
copy is a consistent snapshot even while others write. PostgreSQL (or any backend, with
``logical=True``): every table is read inside one REPEATABLE READ transaction and written as gzipped
JSON Lines. ``restore`` recognises both forms and replaces the database contents in one transaction.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, delete, insert, select, text

from kartoteka.db.schema import current_revision, head_revision
from kartoteka.db.tables import metadata
from kartoteka.errors import InvalidInput
from kartoteka.services.files import private_dir, private_file

SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database:
        raise InvalidInput("backup of an in-memory SQLite database is not possible")
    return database


def backup(engine: Engine, target: Path, *, logical: bool = False) -> str:
    """Write a snapshot to ``target``; returns 'sqlite' or 'logical'."""
    private_dir(target.parent)
    tmp = private_file(target.with_name(target.name + ".partial"))
    if engine.dialect.name == "sqlite" and not logical:
        src = sqlite3.connect(_sqlite_path(engine))
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        tmp.replace(target)
        return "sqlite"
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        with gzip.open(tmp, "wt", encoding="utf-8") as fh:
            head = {"kartoteka_backup": 1, "revision": current_revision(engine),
                    "at": dt.datetime.now(dt.timezone.utc).isoformat()}
            fh.write(json.dumps(head) + "\n")
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                    fh.write(json.dumps({"t": table.name, "r": dict(row)}, ensure_ascii=False, default=str) + "\n")
        conn.rollback()
    tmp.replace(target)
    return "logical"


def restore(engine: Engine, source: Path) -> dict[str, int]:
    """Replace the database contents with ``source``; returns rows restored per table."""
    if not source.exists():
        raise InvalidInput(f"{source}: no such backup file")
    magic = source.read_bytes()[:16]
    if magic.startswith(SQLITE_MAGIC):
        return _restore_sqlite_file(engine, source)
    if magic.startswith(GZIP_MAGIC):
        return _restore_logical(engine, source)
    raise InvalidInput(f"{source}: not a Kartoteka backup (neither a SQLite file nor a gzipped dump)")


def _restore_sqlite_file(engine: Engine, source: Path) -> dict[str, int]:
    probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        revs = sorted(r[0] for r in probe.execute("SELECT version_num FROM alembic_version"))
        rev = ("+".join(revs),) if revs else None
        ok = probe.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{source}: not a Kartoteka database ({exc})") from None
    finally:
        probe.close()
    if ok is None or ok[0] != "ok":
        raise InvalidInput(f"{source}: the backup fails SQLite's integrity check")
    if rev is None or rev[0] != head_revision():
        raise InvalidInput(f"{source}: backup schema {rev[0] if rev else 'unknown'} differs from "
                           f"{head_revision()}; restore it with the Kartoteka version that made it")
    if engine.dialect.name != "sqlite":
        return _copy_sqlite_into(engine, source)
    engine.dispose()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(_sqlite_path(engine), timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    with engine.connect() as conn:
        return {t.name: int(conn.execute(select(text("count(*)")).select_from(t)).scalar_one())
                for t in metadata.sorted_tables}


def _copy_sqlite_into(engine: Engine, source: Path) -> dict[str, int]:
    from kartoteka.db.engine import make_engine

    src = make_engine(f"sqlite:///{source}")
    try:
        with src.connect() as conn:
            rows = {t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in metadata.sorted_tables}
    finally:
        src.dispose()
    return _replace_all(engine, rows)


def _coerce(table_name: str, row: dict[str, Any]) -> dict[str, Any]:
    table = metadata.tables[table_name]
    out = dict(row)
    for col in table.columns:
        if isinstance(col.type, DateTime) and isinstance(out.get(col.name), str):
            out[col.name] = dt.datetime.fromisoformat(out[col.name])
    return out


def _restore_logical(engine: Engine, source: Path) -> dict[str, int]:
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in metadata.sorted_tables}
    try:
        with gzip.open(source, "rt", encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            if head.get("kartoteka_backup") != 1:
                raise InvalidInput(f"{source}: not a Kartoteka backup")
            if head.get("revision") != head_revision():
                raise InvalidInput(f"{source}: backup schema {head.get('revision')} differs from {head_revision()}")
            for line_no, line in enumerate(fh, start=2):
                item = json.loads(line)
                if item.get("t") not in rows:
                    raise InvalidInput(f"{source}: line {line_no}: unknown table {item.get('t')!r}")
                rows[item["t"]].append(_coerce(item["t"], item["r"]))
    except (OSError, json.JSONDecodeError, EOFError) as exc:
        raise InvalidInput(f"{source}: unreadable backup ({exc})") from None
    return _replace_all(engine, rows)


def _replace_all(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                conn.execute(insert(table), rows[table.name])
            if conn.dialect.name == "postgresql" and "id" in table.c and table.c.id.autoincrement is not False \
                    and isinstance(table.c.id.type.python_type, type) and table.c.id.type.python_type is int:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
    return {name: len(r) for name, r in rows.items()}
