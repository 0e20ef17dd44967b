"""Statements of a CSV/XLSX import made with ``--source ORG``: which organisation said which name spelling
and birth date of each imported person, and when (services/statements.py keeps them side by side, as the
FollowTheMoney import does), so the person page shows who said what and where organisations disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete

from kartoteka.db import audit
from kartoteka.db.tables import statements
from kartoteka.services import statements as st

Claim = tuple[int, str, list[dict[str, str]], Any]   # person id, the record's id in the file, names, birth date
CaseClaim = tuple[int, str, dict[str, Any]]            # case id, the case's id in the file, its values
CASE_PROPS = ("jurisdiction", "case_number", "articles_text", "court", "detained_on", "verdict_on", "sentence",
              "facility", "status")


def record_claims(conn: Connection, *, organisation: str, import_id: str, claims: list[Claim]) -> int:
    """Record each person's names and birth date as ``organisation``'s statements; a birth date the
    organisation stated earlier for the same person is replaced by its new one. Returns how many were new."""
    org = organisation.strip()[:300]
    if not org:
        return 0
    at, added = audit.now(), 0
    for person_id, origin, names, birth in claims:
        if birth:
            conn.execute(delete(statements).where(
                statements.c.entity_type == "person", statements.c.entity_id == person_id,
                statements.c.prop == "birth_date", statements.c.organisation == org,
                statements.c.value != str(birth)))
            added += st.add_statement(conn, entity_type="person", entity_id=person_id, prop="birth_date",
                                      value=str(birth), organisation=org, origin_id=origin, at=at,
                                      import_id=import_id)
        for name in names:
            added += st.add_statement(conn, entity_type="person", entity_id=person_id, prop="name",
                                      value=name["full"], organisation=org, origin_id=origin, at=at,
                                      import_id=import_id)
    return added


def record_case_claims(conn: Connection, *, organisation: str, import_id: str, claims: list[CaseClaim]) -> int:
    """Record each case's values (articles, status, dates, sentence ...) as ``organisation``'s statements,
    as ``record_claims`` does for persons: a value the organisation stated earlier for the same case and
    property is replaced by its new one. Returns how many were new."""
    org = organisation.strip()[:300]
    if not org:
        return 0
    at, added = audit.now(), 0
    for case_id, origin, values in claims:
        for prop in CASE_PROPS:
            value = values.get(prop)
            if value in (None, ""):
                continue
            conn.execute(delete(statements).where(
                statements.c.entity_type == "case", statements.c.entity_id == case_id, statements.c.prop == prop,
                statements.c.organisation == org, statements.c.value != str(value)))
            added += st.add_statement(conn, entity_type="case", entity_id=case_id, prop=prop, value=str(value),
                                      organisation=org, origin_id=origin, at=at, import_id=import_id)
    return added
