"""Editing one person with optimistic locking: a stale edit raises Conflict, never overwrites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update

from kartoteka.db.audit import audit_rows_for_update, now, update_record, write_audit
from kartoteka.services.name_index import refresh_persons
from kartoteka.db.tables import person_names, persons
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import parse_gender, parse_sensitivity, script_of
from kartoteka.errors import N_, Conflict, ErrorCollector, InvalidInput, Message, NotFound, entity_word, reason_of
from kartoteka.names.parse import guess_language, split_name
from kartoteka.services.access import Principal, check_visible, require
from kartoteka.services.declassify import log_declassification
from kartoteka.services.persons import resolve_person_id

MAX_TEXT = 4000
EDITABLE = ("primary_name", "gender", "birth_date", "citizenship", "region", "sensitivity", "notes")


@dataclass(frozen=True)
class PersonEdit:
    """The edit form's values, as typed; empty strings clear optional fields."""

    version: int
    primary_name: str
    gender: str = ""
    birth_date: str = ""
    citizenship: str = ""
    region: str = ""
    sensitivity: str = "internal"
    notes: str = ""


def validate_edit(edit: PersonEdit) -> dict[str, Any]:
    """The table values for ``edit``; InvalidInput lists every bad field (column = field name)."""
    errors = ErrorCollector("form")
    values: dict[str, Any] = {}
    name = " ".join(edit.primary_name.split())
    if not name:
        errors.add(0, "primary_name", Message(N_("a person needs a name")))
    for fld in EDITABLE:
        text = str(getattr(edit, fld))
        if len(text) > MAX_TEXT or any(ord(c) < 32 and c not in "\t\n\r" for c in text):
            errors.add(0, fld, Message(N_("is too long or contains control characters (limit %(limit)d)"), limit=MAX_TEXT))
    try:
        values["gender"] = parse_gender(edit.gender).value if edit.gender.strip() else None
    except ValueError as exc:
        errors.add(0, "gender", reason_of(exc))
    try:
        if edit.birth_date.strip():
            date = parse_partial_date(edit.birth_date)
            values["birth_date"], values["birth_precision"] = date.iso(), date.precision.value
        else:
            values["birth_date"], values["birth_precision"] = None, None
    except ValueError as exc:
        errors.add(0, "birth_date", reason_of(exc))
    try:
        values["sensitivity"] = parse_sensitivity(edit.sensitivity).value
    except ValueError as exc:
        errors.add(0, "sensitivity", reason_of(exc))
    values.update(citizenship=";".join(c.strip().upper() for c in edit.citizenship.replace(",", ";").split(";")
                                       if c.strip()),
                  region=edit.region.strip(), notes=edit.notes.strip())
    if errors.errors:
        raise InvalidInput(Message(N_("%(n)d field(s) need correcting"), n=len(errors.errors)), errors.errors)
    values["primary_name"] = name
    return values


def edit_person(engine: Engine, principal: Principal, ref: str | int, edit: PersonEdit) -> int:
    """Apply ``edit`` if the person is still at ``edit.version``; returns the new version.

    Raises Conflict when somebody else changed the person since the form was loaded.
    """
    require(principal, "edit")
    values = validate_edit(edit)
    name = values.pop("primary_name")
    with engine.begin() as conn:
        pid = resolve_person_id(conn, ref)
        current = dict(conn.execute(select(persons).where(persons.c.id == pid)).mappings().one())
        if current["deleted_at"] is not None:
            raise NotFound.of(N_("no %(entity)s '%(ref)s'"), entity=entity_word("person"), ref=str(ref))
        check_visible(principal, "person", current, ref=ref)
        primary = conn.execute(select(person_names.c.id, person_names.c.full)
                               .where(person_names.c.person_id == pid, person_names.c.kind == "primary")
                               .order_by(person_names.c.id)).first()
        name_changed = primary is None or primary.full != name
        version = update_record(conn, persons, "person", pid, values, actor=principal.username,
                                expected_version=edit.version)
        log_declassification(conn, entity="person", record_id=pid, before=current["sensitivity"],
                             after=values["sensitivity"], actor=principal.username)
        if name_changed:
            parts = split_name(name)
            name_values = {"full": name, "surname": parts.surname, "given_name": parts.given_name,
                           "patronymic": parts.patronymic, "script": script_of(name),
                           "lang": guess_language(name)}
            if primary is None:
                conn.execute(person_names.insert().values(person_id=pid, kind="primary", **name_values))
            else:
                conn.execute(update(person_names).where(person_names.c.id == primary.id).values(**name_values))
            if version == edit.version:   # only the name changed: check and bump in one statement
                version += 1
                bumped = conn.execute(update(persons).where(persons.c.id == pid, persons.c.version == edit.version)
                                      .values(version=version, updated_at=now(), updated_by=principal.username))
                if bumped.rowcount != 1:
                    raise Conflict.of(N_("person %(ref)s was changed by someone else since version %(version)s; "
                                         "reload and apply your change again"), ref=ref, version=edit.version)
            write_audit(conn, audit_rows_for_update("person", pid, {
                "primary_name": (primary.full if primary else None, name)}, principal.username))
        refresh_persons(conn, [pid])   # the name index, in this transaction
        return version
