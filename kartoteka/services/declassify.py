"""Lowering a record's sensitivity (confidential -> internal -> public) is an act of its own: besides
the field change, the audit log gets an entry with action ``declassify``, so every lowering can be
listed and reviewed apart from ordinary edits. Whoever lowers one must be allowed to edit records and
to see the record (``require_declassify``): an edit (services/persons_edit.py, records_edit.py), a merge
that keeps the lower of two sensitivities and the unmerge that gives a record its own lower one back
(services/person_merge.py). An import never lowers one (services/registry_import.py, imports.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from kartoteka.db.audit import log_event
from kartoteka.services.access import Principal, check_visible, require

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


def require_declassify(principal: Principal, entity: str, record: Mapping[str, Any], *, ref: object = None) -> None:
    """What lowering ``record``'s sensitivity takes: the permission to edit records (Forbidden) and a role
    that sees the record (NotFound, worded as for an absent one: services/access.py check_visible)."""
    require(principal, "edit")
    check_visible(principal, entity, record, ref=ref)
