"""The JSON API: one router per resource, all under /api/ and all CSRF-checked for cookie sessions."""

from __future__ import annotations

from fastapi import APIRouter

from kartoteka.web.api import custody
from kartoteka.web.api import (
    assessments, audit, dashboard, duplicates, imports, persons, records, users, vetting,
)


def routers() -> list[APIRouter]:
    return [custody.router, persons.router, users.router, audit.router, imports.router, dashboard.router, records.cases,
            records.sources, duplicates.router, vetting.router, assessments.router]
