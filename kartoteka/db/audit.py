"""Append-only audit log and the record bookkeeping (who, when, version) around every change."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, update

from kartoteka.db.bulk import bulk_insert
from kartoteka.db.chain import append_entries
from kartoteka.db.engine import try_write
from kartoteka.db.spool import WAIT, spool, spool_path
from kartoteka.db.tables import audit_log
from kartoteka.errors import N_, Conflict, NotFound, entity_word

_CONCURRENT = N_("%(entity)s %(id)s was changed concurrently; reload and try again")
READ_WAIT = WAIT   # seconds a reader's audit entry waits for SQLite's write lock before it is spooled
BOOKKEEPING = ("created_at", "created_by", "updated_at", "updated_by", "version", "deleted_at", "row_hash")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


STAMP_COLUMNS = ("created_at", "created_by", "updated_at", "updated_by", "version", "deleted_at")   # stamp_new's


def stamp_new(values: dict[str, Any], actor: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """Add the bookkeeping columns (STAMP_COLUMNS) to a new record's values."""
    when = at or now()
    return {**values, "created_at": when, "created_by": actor, "updated_at": when,
            "updated_by": actor, "version": 1, "deleted_at": None}


def created_snapshot(values: Mapping[str, Any]) -> str:
    """A new record's values as its creation entry records them (JSON, bookkeeping columns left out)."""
    return json.dumps({k: v for k, v in values.items() if k not in BOOKKEEPING}, ensure_ascii=False, default=str)


def audit_rows_for_create(entity: str, ids_and_values: Sequence[tuple[int, Mapping[str, Any]]],
                          actor: str, batch: str | None = None,
                          at: dt.datetime | None = None, snapshots: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Creation entries; ``snapshots``: each record's ``created_snapshot``, when already made."""
    when = at or now()
    afters = snapshots if snapshots is not None else [created_snapshot(vals) for _, vals in ids_and_values]
    return [{"at": when, "actor": actor, "entity_type": entity, "entity_id": eid, "action": "create",
             "field": None, "before": None, "after": after, "batch": batch}
            for (eid, _), after in zip(ids_and_values, afters)]


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as ``{field: (old, new)}``; bookkeeping columns are ignored."""
    return {k: (before.get(k), v) for k, v in after.items()
            if k not in BOOKKEEPING and k != "id" and before.get(k) != v}


def audit_rows_for_update(entity: str, entity_id: int, changes: Mapping[str, tuple[Any, Any]],
                          actor: str, batch: str | None = None,
                          at: dt.datetime | None = None) -> list[dict[str, Any]]:
    when = at or now()
    return [{"at": when, "actor": actor, "entity_type": entity, "entity_id": entity_id,
             "action": "update", "field": f, "before": _text(old), "after": _text(new), "batch": batch}
            for f, (old, new) in changes.items()]


def write_audit(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append rows to the audit log; bulk_insert chains them (db/chain.py)."""
    bulk_insert(conn, audit_log, rows)


def log_reads(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Audit entries of a reader (confidential records shown, a download): written at once when the
    write lock is free; on SQLite, when a long write holds it, spooled (db/spool.py) instead of waiting.
    Either way the entry is durable before this returns."""
    if not rows:
        return
    with try_write(engine, wait=READ_WAIT) as conn:
        if conn is not None:
            write_audit(conn, rows)
            return
    path = spool_path(engine.url.database)
    if path is None:   # a memory database has one process: wait for the lock as any writer does
        with engine.begin() as conn:
            write_audit(conn, rows)
        return
    spool(path, rows)


def drain_spool(engine: Engine, *, wait: float = WAIT) -> bool:
    """Move spooled readers' entries into the audit log now; False when a writer held the lock."""
    with try_write(engine, wait=wait) as conn:
        if conn is None:
            return False
        if conn.dialect.name == "sqlite":   # chain_rows moves the spooled entries first
            append_entries(conn, [])
        return True


def event_row(*, entity: str, entity_id: int, action: str, actor: str, field: str | None = None,
              before: Any = None, after: Any = None, batch: str | None = None) -> dict[str, Any]:
    """One audit row for an action that is not a field change (for ``log_event`` or ``log_reads``)."""
    return {"at": now(), "actor": actor, "entity_type": entity, "entity_id": entity_id, "action": action,
            "field": field, "before": _text(before), "after": _text(after), "batch": batch}


def log_event(conn: Connection, *, entity: str, entity_id: int, action: str, actor: str,
              field: str | None = None, before: Any = None, after: Any = None,
              batch: str | None = None) -> None:
    """One audit row for an action that is not a field change (delete, restore, read, approve)."""
    write_audit(conn, [event_row(entity=entity, entity_id=entity_id, action=action, actor=actor, field=field,
                                 before=before, after=after, batch=batch)])


def create_record(conn: Connection, table: Table, entity: str, values: dict[str, Any], *,
                  actor: str, batch: str | None = None) -> int:
    """Insert one record with bookkeeping and its audit row; returns the new id."""
    row = stamp_new(values, actor)
    new_id = conn.execute(insert(table).returning(table.c.id), [row]).scalar_one()
    write_audit(conn, audit_rows_for_create(entity, [(new_id, values)], actor, batch))
    return int(new_id)


def update_record(conn: Connection, table: Table, entity: str, record_id: int, values: dict[str, Any], *,
                  actor: str, expected_version: int | None = None, batch: str | None = None) -> int:
    """Change fields of one record, field by field in the audit log.

    With ``expected_version`` the update is optimistic: a record changed since then raises Conflict.
    Returns the new version (unchanged when nothing differed).
    """
    current = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if current is None:
        raise NotFound.of(N_("%(entity)s %(id)s does not exist"), entity=entity_word(entity), id=record_id)
    if expected_version is not None and current["version"] != expected_version:
        raise Conflict.of(N_("%(entity)s %(id)s was changed by %(by)s at %(at)s (version %(version)s, "
                             "you edited version %(expected)s); reload and apply your change again"),
                          entity=entity_word(entity), id=record_id, by=current["updated_by"],
                          at=f"{current['updated_at']:%Y-%m-%d %H:%M}", version=current["version"],
                          expected=expected_version)
    changes = field_changes(dict(current), values)
    if not changes and "row_hash" not in values:
        return int(current["version"])
    version = int(current["version"]) + (1 if changes else 0)
    stmt = update(table).where(table.c.id == record_id, table.c.version == current["version"])
    res = conn.execute(stmt.values(**values, updated_at=now(), updated_by=actor, version=version))
    if res.rowcount != 1:
        raise Conflict.of(_CONCURRENT, entity=entity_word(entity), id=record_id)
    write_audit(conn, audit_rows_for_update(entity, record_id, changes, actor, batch))
    return version


def soft_delete(conn: Connection, table: Table, entity: str, record_id: int, *, actor: str,
                expected_version: int | None = None) -> None:
    current = conn.execute(select(table.c.version, table.c.deleted_at)
                           .where(table.c.id == record_id)).first()
    if current is None:
        raise NotFound.of(N_("%(entity)s %(id)s does not exist"), entity=entity_word(entity), id=record_id)
    if expected_version is not None and current.version != expected_version:
        raise Conflict.of(N_("%(entity)s %(id)s was changed since version %(expected)s"),
                          entity=entity_word(entity), id=record_id, expected=expected_version)
    when = now()
    done = conn.execute(update(table).where(table.c.id == record_id, table.c.version == current.version)
                        .values(deleted_at=when, updated_at=when, updated_by=actor, version=current.version + 1))
    if done.rowcount != 1:
        raise Conflict.of(_CONCURRENT, entity=entity_word(entity), id=record_id)
    log_event(conn, entity=entity, entity_id=record_id, action="delete", actor=actor)
