"""Server-rendered pages, one router per area; every POST form carries and is checked for a CSRF token."""

from __future__ import annotations

from fastapi import APIRouter

from kartoteka.web.pages import custody, mappings, merges, person_new, person_search
from kartoteka.web.pages import account, admin, assessments, auth, duplicates, home, imports, persons, records, vetting


def routers() -> list[APIRouter]:
    return [custody.router, person_search.router, person_new.router, merges.router, auth.router, account.router, home.router, persons.router, records.router, duplicates.router, imports.router,
            admin.router, vetting.router, assessments.router, mappings.router]
