"""Sources (a URL or a stored file with its sha256), citations, and status events on the timeline."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, insert, select

from kartoteka.db import audit
from kartoteka.db.tables import assessment_findings, assessments, cases, citations, persons, sources, status_events
from kartoteka.domain.dates import PartialDate, parse_partial_date
from kartoteka.domain.person import parse_sensitivity
from kartoteka.errors import N_, InvalidInput, Message, NotFound, no_record, reason_of
from kartoteka.services.files import private_dir, private_file
from kartoteka.services.persons import resolve_person_id

SOURCE_URL_RULE = N_("a source address must start with http:// or https:// (or store the file itself)")

EVENT_KINDS = ("detained", "charged", "convicted", "transferred", "released", "exchanged", "deported",
               "died", "disappeared")
CITABLE = ("person", "case", "status_event", "assessment", "finding")


def check_source_url(url: str) -> str:
    """A source's address: http:// or https:// with a host, nothing else (``javascript:``, ``data:`` and
    ``file:`` would run or open something in a reader's browser). A stored file is cited by its file."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() or ord(c) < 32
                                                                                 for c in text):
        raise InvalidInput(Message(SOURCE_URL_RULE))
    return text


def add_source(engine: Engine, *, actor: str, media_dir: Path, url: str = "", file: Path | None = None,
               title: str = "", publisher: str = "", accessed_on: str = "",
               sensitivity: str = "internal") -> int:
    """Register a source. A file is copied into ``media_dir`` under its sha256, so it cannot change."""
    if not url and file is None:
        raise InvalidInput.of(N_("a source needs a URL or a file"))
    if url:
        url = check_source_url(url)
    values = {"url": url.strip(), "title": title.strip(), "publisher": publisher.strip(),
              "accessed_on": parse_partial_date(accessed_on).iso() if accessed_on else None,
              "sensitivity": parse_sensitivity(sensitivity).value, "file_path": "", "sha256": ""}
    if file is not None:
        if not file.is_file():
            raise InvalidInput.of(N_("%(file)s: no such file"), file=str(file))
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        target = media_dir / digest[:2] / f"{digest}{file.suffix.lower()}"
        private_dir(target.parent)
        if not target.exists():
            shutil.copyfile(file, private_file(target))
        values.update(file_path=str(target), sha256=digest, title=values["title"] or file.name)
    with engine.begin() as conn:
        return audit.create_record(conn, sources, "source", values, actor=actor)


CITED_TABLES = {"person": persons, "case": cases, "status_event": status_events, "assessment": assessments,
                "finding": assessment_findings}


def cite_target(conn: Connection, *, entity_type: str, ref: str) -> int:
    """The record a citation names: a person or case by its id (``P0000003``, ``C1``) or number, another kind by
    number; it must exist (a citation of an absent number would cite whatever record later takes it, and
    publish the source with it)."""
    _check_kind(entity_type)
    if entity_type == "person":
        return resolve_person_id(conn, ref)
    if entity_type == "case":
        found = conn.execute(select(cases.c.id).where(cases.c.ext_id == ref, cases.c.deleted_at.is_(None))).scalar()
        if found is not None:
            return int(found)
    if ref.isdigit() and _exists(conn, entity_type, int(ref)):
        return int(ref)
    raise no_record(entity_type, ref)


def _check_kind(entity_type: str) -> None:
    if entity_type not in CITABLE:
        raise InvalidInput.of(N_("cannot cite a source for '%(entity)s' (use %(kinds)s)"), entity=entity_type,
                              kinds=", ".join(CITABLE))


def _exists(conn: Connection, entity_type: str, entity_id: int) -> bool:
    table = CITED_TABLES[entity_type]
    return conn.execute(select(table.c.id).where(table.c.id == entity_id)).first() is not None


def cite(engine: Engine, *, actor: str, source_id: int, entity_type: str, entity_id: int, note: str = "") -> None:
    _check_kind(entity_type)
    with engine.begin() as conn:
        if not _exists(conn, entity_type, entity_id):
            raise no_record(entity_type, entity_id)
        if conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is None:
            raise no_record("source", source_id)
        conn.execute(insert(citations).values(source_id=source_id, entity_type=entity_type,
                                              entity_id=entity_id, note=note))
        audit.log_event(conn, entity=entity_type, entity_id=entity_id, action="cite", actor=actor,
                        field="source", after=source_id)


def event_date(text: str) -> PartialDate | None:
    """An event's (possibly partial) date; a bad one is an InvalidInput naming it."""
    try:
        return parse_partial_date(text) if text else None
    except ValueError as exc:
        raise InvalidInput.of(N_("event date '%(text)s': %(error)s"), text=text, error=reason_of(exc)) from None


def insert_event(conn: Connection, *, actor: str, person_id: int, kind: str, when: PartialDate | None,
                 note: str = "", source_id: int | None = None, case_id: int | None = None,
                 run_id: int | None = None) -> int:
    """Write one status event (audited) inside the caller's transaction; returns its id."""
    return audit.create_record(conn, status_events, "status_event", {
        "person_id": person_id, "case_id": case_id, "kind": kind, "date": when.iso() if when else None,
        "date_precision": when.precision.value if when else None, "note": note, "source_id": source_id,
        "run_id": run_id,
    }, actor=actor)


def add_event(engine: Engine, *, actor: str, person: str | int, kind: str, date: str = "", note: str = "",
              source_id: int | None = None, case_ext_id: str = "") -> int:
    """Add a status event to a person's timeline; the date may be partial."""
    if kind not in EVENT_KINDS:
        raise InvalidInput.of(N_("'%(kind)s' is not an event kind (use %(kinds)s)"), kind=kind,
                              kinds=", ".join(EVENT_KINDS))
    when = event_date(date)
    with engine.begin() as conn:
        person_id = resolve_person_id(conn, person)
        case_id = None
        if case_ext_id:
            case_id = conn.execute(select(cases.c.id).where(cases.c.ext_id == case_ext_id,
                                                            cases.c.person_id == person_id)).scalar()
            if case_id is None:
                raise NotFound.of(N_("person %(person)s has no case '%(case)s'"), person=str(person), case=case_ext_id)
        if source_id is not None and conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is None:
            raise no_record("source", source_id)
        return insert_event(conn, actor=actor, person_id=person_id, kind=kind, when=when, note=note,
                            source_id=source_id, case_id=case_id)
