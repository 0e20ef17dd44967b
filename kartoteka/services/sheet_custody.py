"""The custody state and category a registry sheet gives a person (sheet_rows.SheetPerson.custody),
written next to the person's cases: a new custody record or category only when it differs from the
person's current one, so re-importing the sheet changes nothing."""

from __future__ import annotations

from sqlalchemy import Connection

from kartoteka.db import audit
from kartoteka.db.tables import person_categories
from kartoteka.services import custody as svc
from kartoteka.services.import_report import Change, ImportReport
from kartoteka.services.sheet_rows import SheetPerson


def write_custody(conn: Connection, *, person_id: int, ext: str, sp: SheetPerson, actor: str,
                  report: ImportReport) -> None:
    """Record ``sp``'s custody state (held by its party) and category for ``person_id`` if they changed."""
    given, row = sp.custody, sp.rows[0]
    if "state" in given:
        now = svc.current_custody(conn, [person_id]).get(person_id)
        if now is None or (now.held_by, now.state) != (given["held_by"], given["state"]):
            values = svc.custody_values(held_by=given["held_by"], state=given["state"])
            svc.insert_custody(conn, person_id=person_id, values=values, actor=actor, batch=report.import_id)
            report.changes.append(Change(row, ext, "custody", f"{now.held_by} {now.state}" if now else "",
                                         f"{given['held_by']} {given['state']}"))
    if "category" in given:
        old = svc.current_categories(conn, [person_id]).get(person_id)
        wanted = (given["category"], given.get("category_definition", ""))
        if old is None or (old.category, old.definition_id) != wanted:
            audit.create_record(conn, person_categories, "person_category", {
                "person_id": person_id, "category": wanted[0], "definition_id": wanted[1], "source_id": None,
                "note": ""}, actor=actor, batch=report.import_id)
            report.changes.append(Change(row, ext, "category", old.category if old else "", wanted[0]))
