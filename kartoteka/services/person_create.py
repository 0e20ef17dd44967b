"""Creating a person in the browser (with a first case, a source URL or file, a timeline event), and
adding names of any kind and timeline events to a person.

Every field is validated before anything is written, and every bad field is reported at once
(InvalidInput with the form field as column), so a form can show each message next to its field and
keep what was typed. The person and the case land in one transaction, audited like an import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from kartoteka.db import audit
from kartoteka.services.name_index import refresh_persons
from kartoteka.db.tables import person_names, persons
from kartoteka.domain.person import script_of
from kartoteka.errors import N_, ErrorCollector, InvalidInput, Message, RowError, reason_of
from kartoteka.names.parse import guess_language, split_name
from kartoteka.services import evidence
from kartoteka.services.access import Principal, check_visible, require
from kartoteka.services.charges import store_charges
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.persons_edit import PersonEdit, validate_edit
from kartoteka.services.records_edit import CASE_FIELDS, validate_case
from kartoteka.db.tables import cases

NAME_KINDS = ("primary", "alias", "transliteration", "former")
_EXT = re.compile(r"^P(\d{1,12})$")


@dataclass
class NewPerson:
    """The new-person form as typed. ``aliases`` are (kind, name) pairs; a case is written when any of
    its fields is filled; a source when a URL or a file is given; an event when it has a kind."""

    name: str
    birth_date: str = ""
    gender: str = ""
    citizenship: str = ""
    region: str = ""
    sensitivity: str = "internal"
    notes: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)
    case: dict[str, str] = field(default_factory=dict)
    source_url: str = ""
    source_title: str = ""
    event_kind: str = ""
    event_date: str = ""
    event_note: str = ""


def _name_row(full: str, kind: str) -> dict[str, str]:
    parts = split_name(full)
    return {"kind": kind, "full": full, "surname": parts.surname, "given_name": parts.given_name,
            "patronymic": parts.patronymic, "script": script_of(full), "lang": guess_language(full)}


def _errors_of(exc: InvalidInput, prefix: str = "") -> list[RowError]:
    return [RowError("form", 0, prefix + e.column, e.reason) for e in exc.errors]


def _validate(form: NewPerson) -> tuple[dict[str, Any], dict[str, Any] | None]:
    errors = ErrorCollector("form")
    person: dict[str, Any] = {}
    case: dict[str, Any] | None = None
    try:
        person = validate_edit(PersonEdit(0, form.name, form.gender, form.birth_date, form.citizenship, form.region,
                                          form.sensitivity or "internal", form.notes))
    except InvalidInput as exc:
        errors.errors += _errors_of(exc)
    for i, (kind, text) in enumerate(form.aliases):
        if text.strip() and kind not in NAME_KINDS[1:]:
            errors.add(0, f"alias_kind_{i}", Message(N_("choose one of %(kinds)s"), kinds=", ".join(NAME_KINDS[1:])))
    if any(v.strip() for k, v in form.case.items() if k != "sensitivity"):
        blank = {f: "" for f in CASE_FIELDS} | {"ext_id": "new", "sensitivity": form.sensitivity or "internal"}
        try:
            case = validate_case(blank, {k: v for k, v in form.case.items() if k in CASE_FIELDS})
        except InvalidInput as exc:
            errors.errors += _errors_of(exc, "case_")
    if form.source_url.strip():
        try:
            evidence.check_source_url(form.source_url)
        except InvalidInput as exc:
            errors.add(0, "source_url", reason_of(exc))
    if form.event_kind:
        if form.event_kind not in evidence.EVENT_KINDS:
            errors.add(0, "event_kind", Message(N_("use one of %(kinds)s"), kinds=", ".join(evidence.EVENT_KINDS)))
        try:
            evidence.event_date(form.event_date)
        except InvalidInput as exc:
            errors.add(0, "event_date", reason_of(exc))
    if errors.errors:
        raise InvalidInput(Message(N_("%(n)d field(s) need correcting"), n=len(errors.errors)), errors.errors)
    return person, case


def create_person(engine: Engine, principal: Principal, form: NewPerson, *, media_dir: Path,
                  source_file: Path | None = None, source_filename: str = "") -> str:
    """Create the person (and case, source, event) described by ``form``; returns the new person id."""
    require(principal, "edit")
    person, case = _validate(form)
    actor = principal.username
    name = person.pop("primary_name")
    with engine.begin() as conn:
        numbers = [int(m.group(1)) for (e,) in conn.execute(select(persons.c.ext_id)) if (m := _EXT.match(e))]
        ext_id = f"P{max(numbers, default=0) + 1:07d}"
        person_id = audit.create_record(conn, persons, "person", {**person, "ext_id": ext_id}, actor=actor)
        names = [_name_row(name, "primary")] + [_name_row(" ".join(t.split()), k) for k, t in form.aliases
                                                 if t.strip()]
        conn.execute(insert(person_names), [{**n, "person_id": person_id} for n in names])
        case_id = None
        if case is not None:
            values = {**case, "ext_id": f"{ext_id}-1", "person_id": person_id}
            case_id = audit.create_record(conn, cases, "case", values, actor=actor)
            store_charges(conn, case_id, values)
        refresh_persons(conn, [person_id], new=True)   # the name index, in this transaction
    if form.source_url.strip() or source_file is not None:
        suffix = re.sub(r"[^a-z0-9.]", "", Path(source_filename).suffix.lower())[:10]
        named = source_file.with_name(source_file.name + suffix) if source_file is not None and suffix else source_file
        if named is not None and named != source_file:
            source_file.rename(named)  # type: ignore[union-attr]   # the stored copy keeps the file's type
        try:
            source_id = evidence.add_source(engine, actor=actor, media_dir=media_dir, url=form.source_url,
                                            file=named, title=form.source_title or Path(source_filename).name,
                                            sensitivity=form.sensitivity or "internal")
        finally:
            if named is not None and named != source_file:
                named.rename(source_file)  # type: ignore[arg-type]
        evidence.cite(engine, actor=actor, source_id=source_id, entity_type="person", entity_id=person_id)
        if case_id is not None:
            evidence.cite(engine, actor=actor, source_id=source_id, entity_type="case", entity_id=case_id)
    if form.event_kind:
        evidence.add_event(engine, actor=actor, person=person_id, kind=form.event_kind, date=form.event_date,
                           note=form.event_note)
    return ext_id


def add_name(engine: Engine, principal: Principal, ref: str, *, kind: str, full: str) -> None:
    """Add a name of ``kind`` (alias, transliteration, former) to a person; audited as a names change."""
    require(principal, "edit")
    text = " ".join(full.split())
    errors = ErrorCollector("form")
    if kind not in NAME_KINDS[1:]:
        errors.add(0, "kind", Message(N_("choose one of %(kinds)s"), kinds=", ".join(NAME_KINDS[1:])))
    if not text or len(text) > 400 or any(ord(c) < 32 for c in text):
        errors.add(0, "full", Message(N_("a name of 1-400 characters without control characters")))
    if errors.errors:
        raise InvalidInput(Message(N_("the name needs correcting")), errors.errors)
    with engine.begin() as conn:
        person_id = resolve_person_id(conn, ref)
        record = conn.execute(select(persons).where(persons.c.id == person_id)).mappings().one()
        check_visible(principal, "person", dict(record), ref=ref)
        before = [r[0] for r in conn.execute(select(person_names.c.full).where(
            person_names.c.person_id == person_id).order_by(person_names.c.id))]
        conn.execute(insert(person_names).values(**_name_row(text, kind), person_id=person_id))
        audit.write_audit(conn, audit.audit_rows_for_update("person", person_id, {"names": (before, [*before, text])},
                                                           principal.username))
        refresh_persons(conn, [person_id])   # the name index, in this transaction
