"""Editing one case or one source with optimistic locking: a stale edit raises Conflict, never overwrites.

``values`` maps form fields to text as typed. Fields left out keep their stored value, so the API can
send only what changes; the whole record is validated again, so that a new verdict date is checked
against the stored detention date. Every changed field gets its own audit row (db/audit.update_record).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, Table, select

from kartoteka.db.audit import log_reads, update_record
from kartoteka.db.tables import cases, person_names, persons, sources
from kartoteka.domain.person import parse_sensitivity
from kartoteka.errors import N_, ErrorCollector, InvalidInput, Message, reason_of
from kartoteka.errors import no_record
from kartoteka.services.access import Principal, check_visible, read_rows, require
from kartoteka.services.charges import store_charges
from kartoteka.services.declassify import log_declassification
from kartoteka.services.rows import RowReader, parse_case

CASE_FIELDS = ("jurisdiction", "case_number", "articles_text", "court", "detained_on", "verdict_on",
               "sentence", "facility", "status", "sensitivity")
SOURCE_FIELDS = ("url", "title", "publisher", "accessed_on", "sensitivity")
# the import's field names (services/rows.py) for the form fields that are named differently
_CASE_IMPORT_NAMES = {"articles": "articles_text"}
_JURISDICTION = re.compile(r"[A-Z]*")


@dataclass(frozen=True)
class RecordForEdit:
    """A case or source as its edit form shows it, with the person it is reached from."""

    entity: str                 # "case" or "source"
    record: dict[str, Any]
    values: dict[str, str]      # the editable fields as text
    person_ext_id: str = ""
    person_name: str = ""


def _as_text(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    return {f: "" if record.get(f) is None else str(record[f]) for f in fields}


def _load(conn: Connection, table: Table, entity: str, record_id: int, principal: Principal) -> dict[str, Any]:
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None or row["deleted_at"] is not None:
        raise no_record(entity, record_id)
    record = dict(row)
    check_visible(principal, entity, record)
    return record


def _person(conn: Connection, principal: Principal, person_id: int) -> tuple[dict[str, Any], str]:
    """The visible, not deleted person ``person_id`` and their primary (else first) name."""
    person = _load(conn, persons, "person", person_id, principal)
    names = conn.execute(select(person_names.c.full, person_names.c.kind).where(
        person_names.c.person_id == person_id).order_by(person_names.c.id)).all()
    primary = next((n.full for n in names if n.kind == "primary"), names[0].full if names else "")
    return person, str(primary)


def case_for_edit(engine: Engine, *, principal: Principal, case_id: int) -> RecordForEdit:
    """The case and its person for the edit form; reads of confidential ones are audited."""
    require(principal, "edit")
    with engine.connect() as conn:   # a read: its audit entries never wait for a long import (db/audit.py)
        case = _load(conn, cases, "case", case_id, principal)
        person, name = _person(conn, principal, int(case["person_id"]))
        conn.rollback()
    log_reads(engine, [*read_rows(principal, "person", [person], via="edit"),
                       *read_rows(principal, "case", [case], via="edit")])
    return RecordForEdit("case", case, _as_text(case, CASE_FIELDS), str(person["ext_id"]), name)


def case_person(engine: Engine, *, case_id: int) -> str:
    """The id (ext_id) of the person a case belongs to, to return to their page after an edit."""
    with engine.connect() as conn:
        found = conn.execute(select(persons.c.ext_id).join(cases, cases.c.person_id == persons.c.id)
                             .where(cases.c.id == case_id)).scalar()
    if found is None:
        raise no_record("case", case_id)
    return str(found)


def source_for_edit(engine: Engine, *, principal: Principal, source_id: int) -> RecordForEdit:
    """The source for the edit form; a read of a confidential one is audited."""
    require(principal, "edit")
    with engine.connect() as conn:
        source = _load(conn, sources, "source", source_id, principal)
        conn.rollback()
    log_reads(engine, read_rows(principal, "source", [source], via="edit"))
    return RecordForEdit("source", source, _as_text(source, SOURCE_FIELDS))


def _merged(current: Mapping[str, Any], values: Mapping[str, str], fields: tuple[str, ...],
            errors: ErrorCollector) -> dict[str, str]:
    for key in values:
        if key not in fields:
            errors.add(0, key, Message(N_("is not an editable field (use %(fields)s)"), fields=", ".join(fields)))
    merged = _as_text(current, fields) | {k: v for k, v in values.items() if k in fields}
    if not merged["sensitivity"].strip():
        errors.add(0, "sensitivity", Message(N_("choose public, internal or confidential")))
        merged["sensitivity"] = str(current["sensitivity"])
    return merged


def _raise_if(errors: ErrorCollector) -> None:
    if errors.errors:
        raise InvalidInput(Message(N_("%(n)d field(s) need correcting"), n=len(errors.errors)), errors.errors)


def validate_case(current: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The table values for a case edit; InvalidInput lists every bad field (column = form field)."""
    errors = ErrorCollector("form")
    merged = _merged(current, values, CASE_FIELDS, errors)
    raw = merged | {"case_id": str(current["ext_id"]), "person_id": "-"}
    fields = {f: f for f in raw} | _CASE_IMPORT_NAMES
    reader = RowReader(fields, raw, 0, errors)
    if not _JURISDICTION.fullmatch(merged["jurisdiction"].strip().upper()):
        errors.add(0, "jurisdiction", Message(N_("use a country code in Latin letters, such as RU, BY or UA")))
    parsed = parse_case(reader)
    _raise_if(errors)
    assert parsed is not None
    return {f: parsed[f] for f in CASE_FIELDS}


def validate_source(current: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The table values for a source edit; InvalidInput lists every bad field."""
    errors = ErrorCollector("form")
    merged = _merged(current, values, SOURCE_FIELDS, errors)
    reader = RowReader({f: f for f in merged}, merged, 0, errors)
    out: dict[str, Any] = {"url": reader.text("url", limit=2000), "title": reader.text("title", limit=1000),
                           "publisher": reader.text("publisher", limit=300),
                           "accessed_on": reader.date("accessed_on"),
                           "sensitivity": reader.text("sensitivity", limit=20)}
    if out["url"]:
        parts = urlsplit(out["url"])
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in out["url"]:
            reader.fail("url", Message(N_("is not a web address (it must start with http:// or https://)")))
    if not (out["url"] or out["title"] or current.get("file_path")):
        reader.fail("title", Message(N_("a source needs a web address or a title")))
    try:
        out["sensitivity"] = parse_sensitivity(out["sensitivity"]).value
    except ValueError as exc:
        reader.fail("sensitivity", reason_of(exc))
    _raise_if(errors)
    return out


def update_case(engine: Engine, *, principal: Principal, case_id: int, values: Mapping[str, str],
                expected_version: int) -> int:
    """Apply ``values`` if the case is still at ``expected_version``; returns the new version.

    The parsed charges are stored again when the charges text or the jurisdiction changes.
    Raises Conflict when somebody else changed the case since it was read.
    """
    require(principal, "edit")
    with engine.begin() as conn:
        current = _load(conn, cases, "case", case_id, principal)
        _person(conn, principal, int(current["person_id"]))
        new = validate_case(current, values)
        version = update_record(conn, cases, "case", case_id, new, actor=principal.username,
                                expected_version=expected_version)
        log_declassification(conn, entity="case", record_id=case_id, before=current["sensitivity"],
                             after=new.get("sensitivity"), actor=principal.username)
        if any(new[f] != current[f] for f in ("articles_text", "jurisdiction")):
            store_charges(conn, case_id, new)
        return version


def update_source(engine: Engine, *, principal: Principal, source_id: int, values: Mapping[str, str],
                  expected_version: int) -> int:
    """Apply ``values`` if the source is still at ``expected_version``; returns the new version.

    Raises Conflict when somebody else changed the source since it was read.
    """
    require(principal, "edit")
    with engine.begin() as conn:
        current = _load(conn, sources, "source", source_id, principal)
        new = validate_source(current, values)
        version = update_record(conn, sources, "source", source_id, new, actor=principal.username,
                                expected_version=expected_version)
        log_declassification(conn, entity="source", record_id=source_id, before=current["sensitivity"],
                             after=new.get("sensitivity"), actor=principal.username)
        return version
