"""Server-rendered pages, one router per area; every POST form carries and is checked for a CSRF token."""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

from kartoteka.web.api import OPTIONAL
from kartoteka.web.pages import admin, auth, duplicates, home, imports, persons, records


def routers() -> list[APIRouter]:
    found = [auth.router, home.router, persons.router, records.router, duplicates.router, imports.router,
             admin.router]
    for name in OPTIONAL:
        try:
            found.append(import_module(f"kartoteka.web.pages.{name}").router)
        except ImportError:
            continue
    return found
