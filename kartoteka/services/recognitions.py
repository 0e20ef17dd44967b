"""Public recognitions, for ``publish`` and the FollowTheMoney export: who recognised whom, under which
definition, when, and with which statement.

Two kinds: this organisation's own decided assessments (decision "recognised"), and other
organisations' recognitions recorded as provenance (table ``recognitions``, services/custody.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from kartoteka.catalogs import load_definitions
from kartoteka.db.tables import assessments, persons, recognitions
from kartoteka.services.signing import write_private

OWN = "this registry"   # the name used when the caller does not give its organisation


@dataclass(frozen=True)
class PublicRecognition:
    key: str                 # stable: "a<assessment id>" or "r<recognition id>"
    person_id: int
    organisation: str
    definition_id: str
    definition_title: str
    date: str
    statement: str

    @property
    def url(self) -> str:
        return self.statement if self.statement.startswith(("http://", "https://")) else ""


def published_statement(rationale: str) -> str:
    """What a public file says of this registry's own decision: its rationale when that is the address of the
    published statement; reasoning written as text is the assessors' own and stays inside (it is no column
    data/publish.yaml lists)."""
    text = rationale.strip()
    return text if text.startswith(("http://", "https://")) and not any(c.isspace() for c in text) else ""


def public_recognitions(conn: Connection, *, person_ids: set[int], organisation: str = "",
                        with_reasoning: bool = False) -> list[PublicRecognition]:
    """Recognitions of ``person_ids`` (already filtered to what the audience may see), oldest first; an own
    decision's rationale only as ``published_statement`` allows, unless ``with_reasoning`` (partners)."""
    titles = {d.id: d.title for d in load_definitions().values()}
    out: list[PublicRecognition] = []
    for a in conn.execute(select(assessments).where(
            assessments.c.deleted_at.is_(None), assessments.c.state == "decided",
            assessments.c.decision == "recognised").order_by(assessments.c.id)):
        if a.person_id in person_ids:
            out.append(PublicRecognition(f"a{a.id}", a.person_id, organisation or OWN, a.definition_id,
                                         titles.get(a.definition_id, a.definition_id), a.decided_on or "",
                                         a.rationale if with_reasoning else published_statement(a.rationale)))
    for r in conn.execute(select(recognitions).where(recognitions.c.deleted_at.is_(None))
                          .order_by(recognitions.c.id)):
        if r.person_id in person_ids:
            out.append(PublicRecognition(f"r{r.id}", r.person_id, r.organisation, r.definition_id,
                                         titles.get(r.definition_id, r.definition_id), r.stated_on or "",
                                         r.statement))
    return sorted(out, key=lambda x: (x.person_id, x.date, x.key))


def write_recognitions(engine: Engine, *, out: Path, organisation: str = "") -> int:
    """``publish --recognitions``: recognitions.jsonl for the published (public) persons."""
    with engine.connect() as conn:
        ext = {r.id: r.ext_id for r in conn.execute(select(persons.c.id, persons.c.ext_id).where(
            persons.c.sensitivity == "public", persons.c.deleted_at.is_(None)))}
        found = public_recognitions(conn, person_ids=set(ext), organisation=organisation)
    lines = [json.dumps({"person_ext_id": ext[r.person_id], "definition": r.definition_id,
                         "definition_title": r.definition_title, "organisation": r.organisation, "date": r.date,
                         "statement": r.statement}, ensure_ascii=False) + "\n" for r in found]
    write_private(out / "recognitions.jsonl", "".join(lines).encode())
    return len(lines)
