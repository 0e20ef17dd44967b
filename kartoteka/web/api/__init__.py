"""The JSON API: one router per resource, all under /api/ and all CSRF-checked for cookie sessions."""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

from kartoteka.web.api import audit, dashboard, duplicates, imports, persons, records, users


OPTIONAL = ("vetting", "assessments")


def routers() -> list[APIRouter]:
    found = [persons.router, users.router, audit.router, imports.router, dashboard.router, records.cases,
             records.sources, duplicates.router]
    found.extend(optional_routers())
    return found


def optional_routers() -> list[APIRouter]:
    """Routers for parts built in parallel (vetting, assessments), once their services exist."""
    out: list[APIRouter] = []
    for name in OPTIONAL:
        try:
            module = import_module(f"kartoteka.web.api.{name}")
        except ImportError:
            continue
        out.append(module.router)
    return out
