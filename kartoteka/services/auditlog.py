"""Reading the audit log (administrators only): newest first, filtered, paged by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.tables import audit_log
from kartoteka.services.access import Principal, require


@dataclass(frozen=True)
class AuditQuery:
    entity_type: str = ""
    entity_id: int | None = None
    actor: str = ""
    action: str = ""
    before_id: int | None = None
    limit: int = 100


def list_audit(engine: Engine, principal: Principal, query: AuditQuery) -> list[dict[str, Any]]:
    require(principal, "admin")
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, min(query.limit, 1000)))
    if query.entity_type:
        stmt = stmt.where(audit_log.c.entity_type == query.entity_type)
    if query.entity_id is not None:
        stmt = stmt.where(audit_log.c.entity_id == query.entity_id)
    if query.actor:
        stmt = stmt.where(audit_log.c.actor == query.actor)
    if query.action:
        stmt = stmt.where(audit_log.c.action == query.action)
    if query.before_id is not None:
        stmt = stmt.where(audit_log.c.id < query.before_id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
