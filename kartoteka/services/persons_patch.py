"""A partial edit of one person (``PATCH /api/persons/{ref}``): only the fields sent change; the rest keep
their stored values, so a field left out can neither be erased nor fall back to a default (a
sensitivity left out stays what it is). Lowering a sensitivity is audited as its own act
(services/declassify.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy import Connection, Engine, select

from kartoteka.db.tables import person_names, persons
from kartoteka.errors import N_, Conflict, InvalidInput, NotFound
from kartoteka.services.access import Principal, check_visible, not_found, require
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.persons_edit import EDITABLE, PersonEdit, edit_person

def _stored(conn: Connection, principal: Principal, ref: str | int, version: int) -> PersonEdit:
    try:
        pid = resolve_person_id(conn, ref)
    except NotFound:
        raise not_found("person", ref) from None
    person = dict(conn.execute(select(persons).where(persons.c.id == pid)).mappings().one())
    if person["deleted_at"] is not None:
        raise not_found("person", ref)
    check_visible(principal, "person", person, ref=ref)
    if person["version"] != version:
        raise Conflict.of(N_("person %(ref)s was changed by someone else since version %(version)s; "
                             "reload and apply your change again"), ref=ref, version=version)
    names = list(conn.execute(select(person_names.c.kind, person_names.c.full)
                              .where(person_names.c.person_id == pid).order_by(person_names.c.id)))
    primary = next((n.full for n in names if n.kind == "primary"), names[0].full if names else "")
    return PersonEdit(version=version, primary_name=primary, gender=person["gender"] or "",
                      birth_date=person["birth_date"] or "", citizenship=person["citizenship"] or "",
                      region=person["region"] or "", sensitivity=person["sensitivity"] or "internal",
                      notes=person["notes"] or "")


def patch_person(engine: Engine, principal: Principal, ref: str | int, *, version: int,
                 changes: Mapping[str, str]) -> int:
    """Apply only ``changes`` (form field -> text; an empty string clears a field) if the person is
    still at ``version``; returns the new version. Unknown fields are an input error."""
    require(principal, "edit")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput.of(N_("unknown field(s): %(fields)s (editable: %(editable)s)"), fields=", ".join(unknown),
                              editable=", ".join(EDITABLE))
    with engine.connect() as conn:
        stored = _stored(conn, principal, ref, version)
    return edit_person(engine, principal, ref, replace(stored, **{k: str(v) for k, v in changes.items()}))  # type: ignore[arg-type]
