"""Calls into services built in parallel (screening, matching, assessments, vetting), tolerating their
absence while they are being written: a missing service means the feature is hidden, never faked."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from sqlalchemy import Connection


def optional_service(name: str) -> ModuleType | None:
    try:
        return import_module(f"kartoteka.services.{name}")
    except ImportError:
        return None


def flag_tags(conn: Connection, person_ids: list[int]) -> dict[int, list[str]]:
    """Screening flag tags per person (war_crime, violence, ...), or none when screening is absent."""
    screening = optional_service("screening")
    if screening is None or not person_ids:
        return {}
    flags = screening.flags_for_persons(conn, person_ids)
    return {pid: sorted({f.tag for f in fl}) for pid, fl in flags.items()}


def flag_details(conn: Connection, person_ids: list[int]) -> dict[int, list[dict[str, object]]]:
    screening = optional_service("screening")
    if screening is None or not person_ids:
        return {}
    flags = screening.flags_for_persons(conn, person_ids)
    return {pid: [{"tag": f.tag, "articles": list(f.articles), "reason": f.reason} for f in fl]
            for pid, fl in flags.items()}
