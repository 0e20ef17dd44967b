"""Screening flags as the web shows them: limited to the charges the principal may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from kartoteka.services.access import Principal
from kartoteka.services.viewer_world import VisibleFlagTags, visible_case_flags


def _flags(conn: Connection, principal: Principal, person_ids: list[int]) -> dict[int, list[Any]]:
    """Screening flags per person, limited to the charges the principal may see."""
    if not person_ids:
        return {}
    return dict(visible_case_flags(conn, principal, person_ids))   # built as if hidden cases did not exist


def flag_tags(principal: Principal) -> Callable[[Connection, list[int]], dict[int, list[str]]]:
    """Screening flag tags per person (war_crime, violence, ...), from the cases the principal may see."""
    return VisibleFlagTags(principal)


def flag_details(conn: Connection, principal: Principal, person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    # question + details: the template translates them (criteria.po); reason stays English for the API
    return {pid: [{"tag": f.tag, "articles": list(f.articles), "reason": f.reason, "question": f.question,
                   "details": list(f.details)} for f in fl]
            for pid, fl in _flags(conn, principal, person_ids).items()}
