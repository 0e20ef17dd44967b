"""Lowering a record's sensitivity (confidential -> internal -> public) is an act of its own: besides
the field change, the audit log gets an entry with action ``declassify``, so every lowering can be
listed and reviewed apart from ordinary edits."""

from __future__ import annotations

from sqlalchemy import Connection

from kartoteka.db.audit import log_event

RANK = {"public": 0, "internal": 1, "confidential": 2}


def lowers(before: str | None, after: str | None) -> bool:
    return RANK.get(after or "internal", 1) < RANK.get(before or "internal", 1)


def log_declassification(conn: Connection, *, entity: str, record_id: int, before: str | None,
                         after: str | None, actor: str) -> bool:
    """Write the ``declassify`` entry when ``after`` is lower than ``before``; returns whether it did."""
    if not lowers(before, after):
        return False
    log_event(conn, entity=entity, entity_id=record_id, action="declassify", actor=actor,
              field="sensitivity", before=before, after=after)
    return True
