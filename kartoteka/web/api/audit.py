"""/api/audit: the audit log, newest first (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from kartoteka.services.auditlog import AuditQuery, list_audit
from kartoteka.web.api.models import ERRORS, MAX_ID
from kartoteka.web.deps import AdminApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class AuditEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    entity_type: str
    entity_id: int
    action: str
    field: str | None
    before: str | None
    after: str | None
    batch: str | None


@router.get("", response_model=list[AuditEntry], summary="Audit entries, newest first; page with before_id")
def audit(engine: EngineDep, admin: AdminApiPrincipal,
          entity_type: Annotated[str, Query(max_length=32)] = "",
          entity_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
          actor: Annotated[str, Query(max_length=120)] = "", action: Annotated[str, Query(max_length=12)] = "",
          before_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntry]:
    rows = list_audit(engine, admin, AuditQuery(entity_type, entity_id, actor, action, before_id, limit))
    return [AuditEntry(**r) for r in rows]
