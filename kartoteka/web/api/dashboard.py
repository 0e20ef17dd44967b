"""/api/dashboard: the figures behind the dashboard charts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends

from kartoteka.services.dashboard import dashboard
from kartoteka.web.api.models import ERRORS
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/dashboard", tags=["dashboard"], dependencies=[Depends(check_csrf)], responses=ERRORS)


@router.get("", response_model=dict[str, Any], summary="Persons by status over time, by article, by region")
def get_dashboard(engine: EngineDep, principal: ApiPrincipal) -> dict[str, Any]:
    return asdict(dashboard(engine, principal))
