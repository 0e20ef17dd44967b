"""Reading persons: the full record with names, cases, charges, timeline, sources, assessments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from kartoteka.db.tables import (
    assessments, audit_log, cases, charges, citations, person_names, persons, sources, status_events,
)
from kartoteka.errors import N_, NotFound, entity_word, no_record


@dataclass
class PersonDetail:
    person: dict[str, Any]
    names: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    charges: dict[int, list[dict[str, Any]]]
    events: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def primary_name(self) -> str:
        for n in self.names:
            if n["kind"] == "primary":
                return str(n["full"])
        return str(self.names[0]["full"]) if self.names else ""


def resolve_person_id(conn: Connection, ref: str | int) -> int:
    """A person's internal id from the organisation's id, or from ``#123`` / an int internal id."""
    if isinstance(ref, int):
        found = conn.execute(select(persons.c.id).where(persons.c.id == ref)).scalar()
    elif ref.startswith("#") and ref[1:].isdigit():
        found = conn.execute(select(persons.c.id).where(persons.c.id == int(ref[1:]))).scalar()
    else:
        found = conn.execute(select(persons.c.id).where(persons.c.ext_id == ref)).scalar()
    if found is None:
        raise NotFound.of(N_("no %(entity)s '%(ref)s'"), entity=entity_word("person"), ref=str(ref))   # one wording
    return int(found)


def _rows(conn: Connection, stmt: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def load_person(conn: Connection, person_id: int) -> PersonDetail:
    person = conn.execute(select(persons).where(persons.c.id == person_id)).mappings().first()
    if person is None:
        raise no_record("person", person_id)
    case_rows = _rows(conn, select(cases).where(cases.c.person_id == person_id, cases.c.deleted_at.is_(None))
                      .order_by(cases.c.detained_on, cases.c.id))
    case_ids = [c["id"] for c in case_rows]
    charge_map: dict[int, list[dict[str, Any]]] = {cid: [] for cid in case_ids}
    for ch in _rows(conn, select(charges).where(charges.c.case_id.in_(case_ids)).order_by(charges.c.id)):
        charge_map[ch["case_id"]].append(ch)
    event_rows = _rows(conn, select(status_events).where(status_events.c.person_id == person_id,
                                                         status_events.c.deleted_at.is_(None))
                       .order_by(status_events.c.date, status_events.c.id))
    assessment_rows = _rows(conn, select(assessments).where(assessments.c.person_id == person_id,
                                                            assessments.c.deleted_at.is_(None))
                            .order_by(assessments.c.id))
    cited = select(citations.c.source_id).where(or_(
        (citations.c.entity_type == "person") & (citations.c.entity_id == person_id),
        (citations.c.entity_type == "case") & citations.c.entity_id.in_(case_ids),
        (citations.c.entity_type == "status_event") & citations.c.entity_id.in_([e["id"] for e in event_rows]),
        (citations.c.entity_type == "assessment") & citations.c.entity_id.in_([a["id"] for a in assessment_rows]),
    ))
    source_ids = {s["source_id"] for s in _rows(conn, cited)} | {e["source_id"] for e in event_rows if e["source_id"]}
    source_rows = _rows(conn, select(sources).where(sources.c.id.in_(source_ids), sources.c.deleted_at.is_(None)))
    names = _rows(conn, select(person_names).where(person_names.c.person_id == person_id)
                  .order_by(person_names.c.id))
    return PersonDetail(dict(person), names, case_rows, charge_map, event_rows, assessment_rows, source_rows)


def get_person(engine: Engine, ref: str | int) -> PersonDetail:
    with engine.connect() as conn:
        return load_person(conn, resolve_person_id(conn, ref))


def person_history(engine: Engine, ref: str | int) -> list[dict[str, Any]]:
    """Every audit entry of the person and of their cases, events and assessments, oldest first."""
    with engine.connect() as conn:
        pid = resolve_person_id(conn, ref)
        case_ids = [r[0] for r in conn.execute(select(cases.c.id).where(cases.c.person_id == pid))]
        event_ids = [r[0] for r in conn.execute(select(status_events.c.id).where(status_events.c.person_id == pid))]
        ass_ids = [r[0] for r in conn.execute(select(assessments.c.id).where(assessments.c.person_id == pid))]
        stmt = select(audit_log).where(or_(
            (audit_log.c.entity_type == "person") & (audit_log.c.entity_id == pid),
            (audit_log.c.entity_type == "case") & audit_log.c.entity_id.in_(case_ids),
            (audit_log.c.entity_type == "status_event") & audit_log.c.entity_id.in_(event_ids),
            (audit_log.c.entity_type == "assessment") & audit_log.c.entity_id.in_(ass_ids),
        )).order_by(audit_log.c.id)
        return _rows(conn, stmt)
