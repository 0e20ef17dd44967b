"""Merging two registry records of one person, field by field, and undoing it.

The surviving record takes, per field, the value chosen from either record; the other record's names
become its aliases; cases, timeline events, sources cited, assessments, judgements, vetting rows,
custody, categories, recognitions and statements move to it; the other record is soft-deleted. Every
moved row is listed in ``person_merges.snapshot`` with the survivor's values and names before, so an
unmerge puts each back and restores both records. Both records' histories show the merge and unmerge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, and_, delete, insert, select, update

from kartoteka.db import audit
from kartoteka.services.name_index import refresh_persons
from kartoteka.db.engine import conflicts_as
from kartoteka.db.tables import (
    assessments, cases, citations, custody, match_decisions, person_categories, person_merges, person_names,
    persons, recognitions, statements, status_events, vetting_missing, vetting_rows,
)
from kartoteka.errors import N_, InvalidInput, Message, NotFound
from kartoteka.services.access import Principal, check_visible, require, visible_clause
from kartoteka.services.declassify import log_declassification, lowers, require_declassify
from kartoteka.services.persons import resolve_person_id

FIELDS = ("name", "gender", "birth_date", "citizenship", "region", "sensitivity", "notes")
NAME_COLUMNS = ("kind", "full", "surname", "given_name", "patronymic", "script", "lang")
# (table, person column, extra condition builder): rows of the other record that move to the survivor
_MOVED: tuple[tuple[Table, str], ...] = (
    (cases, "person_id"), (status_events, "person_id"), (assessments, "person_id"), (vetting_rows, "person_id"),
    (custody, "person_id"), (person_categories, "person_id"), (recognitions, "person_id"),
    (match_decisions, "person_id"), (match_decisions, "other_person_id"),
)
_MOVED_ENTITIES: tuple[Table, ...] = (citations, statements)   # entity_type 'person', entity_id


@dataclass
class MergeSide:
    id: int
    ext_id: str
    values: dict[str, str]          # field -> the value shown (name = the primary name)


def _side(conn: Connection, principal: Principal, ref: str | int) -> tuple[MergeSide, dict[str, Any]]:
    pid = resolve_person_id(conn, ref)
    row = dict(conn.execute(select(persons).where(persons.c.id == pid)).mappings().one())
    check_visible(principal, "person", row, ref=ref)
    if row["deleted_at"] is not None:
        raise NotFound.of(N_("person %(ref)s was merged or deleted"), ref=str(ref))
    name = conn.execute(select(person_names.c.full).where(person_names.c.person_id == pid).order_by(
        person_names.c.kind != "primary", person_names.c.id).limit(1)).scalar() or ""
    values = {f: str(row[f] or "") for f in FIELDS if f != "name"} | {"name": name}
    return MergeSide(pid, row["ext_id"], values), row


def merge_sides(engine: Engine, principal: Principal, first: str, second: str) -> tuple[MergeSide, MergeSide]:
    """Both records' values, for the field-by-field choice."""
    require(principal, "edit")
    with engine.connect() as conn:
        return _side(conn, principal, first)[0], _side(conn, principal, second)[0]


def _names(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(*(person_names.c[c] for c in NAME_COLUMNS)).where(
        person_names.c.person_id == person_id).order_by(person_names.c.id)).mappings()]


def _set_names(conn: Connection, person_id: int, names: list[dict[str, Any]]) -> None:
    conn.execute(delete(person_names).where(person_names.c.person_id == person_id))
    if names:
        conn.execute(insert(person_names), [{**n, "person_id": person_id} for n in names])


def merge_records(engine: Engine, principal: Principal, *, keep: str, other: str,
                  choices: dict[str, str]) -> int:
    """Join ``other`` into ``keep``; ``choices`` maps a field to "keep" or "other" (default keep, except the
    sensitivity: by default the stricter of the two, so that merging a confidential record into a public one
    does not show its names, which become aliases, to every viewer). Choosing the lower one declassifies the
    stricter record's data: it takes what lowering a sensitivity takes and is logged as a ``declassify`` entry
    for that record (services/declassify.py). Returns the merge's id (for an unmerge)."""
    require(principal, "edit")
    bad = [f for f, side in choices.items() if f not in FIELDS or side not in ("keep", "other")]
    if bad:
        raise InvalidInput.of(N_("unknown merge choice for %(bad)s (fields: %(fields)s; keep or other)"),
                              bad=", ".join(bad), fields=", ".join(FIELDS))
    actor = principal.username
    with conflicts_as(Message(N_("both records have an assessment in progress under the same definition: decide "
                                 "one first"))), engine.begin() as conn:
        k, krow = _side(conn, principal, keep)
        o, orow = _side(conn, principal, other)
        if k.id == o.id:
            raise InvalidInput.of(N_("a person cannot be merged with itself"))
        kept_names, other_names = _names(conn, k.id), _names(conn, o.id)
        snapshot: dict[str, Any] = {"kept": {f: krow[f] for f in (*FIELDS[1:], "birth_precision")},
                                    "kept_names": kept_names, "moved": {}}
        values = {f: orow[f] for f in FIELDS[1:] if choices.get(f) == "other"}
        if "sensitivity" not in choices and lowers(orow["sensitivity"], krow["sensitivity"]):
            values["sensitivity"] = orow["sensitivity"]   # keeping the survivor's would lower the other's
        if "birth_date" in values:
            values["birth_precision"] = orow["birth_precision"]
        merged = values.get("sensitivity", krow["sensitivity"])
        # a chosen lower sensitivity declassifies the stricter record's data (names, cases, custody ... move to
        # the survivor): allowed as an edit's lowering is, and logged as one, for the record that was stricter
        lowered = [(row, ref) for row, ref in ((krow, keep), (orow, other)) if lowers(row["sensitivity"], merged)]
        for row, ref in lowered:
            require_declassify(principal, "person", row, ref=ref)
        if values:
            audit.update_record(conn, persons, "person", k.id, values, actor=actor)
        for row, _ in lowered:
            log_declassification(conn, entity="person", record_id=int(row["id"]), before=row["sensitivity"],
                                 after=merged, actor=actor)
        take_name = choices.get("name") == "other"
        names = [{**n, "kind": "alias" if n["kind"] == "primary" and take_name else n["kind"]} for n in kept_names]
        known = {n["full"].casefold() for n in kept_names}
        for n in other_names:
            primary = n["kind"] == "primary" and take_name
            if n["full"].casefold() in known and not primary:
                continue
            names = [m for m in names if not (primary and m["full"].casefold() == n["full"].casefold())]
            names.insert(0, {**n, "kind": "primary"}) if primary else names.append(
                {**n, "kind": "alias" if n["kind"] == "primary" else n["kind"]})
        _set_names(conn, k.id, names)
        for table, col in _MOVED:
            c: Column[Any] = table.c[col]
            where = c == o.id
            if table is match_decisions:   # the pair's own judgement stays as it was
                partner = match_decisions.c["other_person_id" if col == "person_id" else "person_id"]
                where = and_(where, (partner.is_(None)) | (partner != k.id))
            ids = [r[0] for r in conn.execute(select(table.c.id).where(where))]
            if ids:
                conn.execute(update(table).where(table.c.id.in_(ids)).values({col: k.id}))
                snapshot["moved"][f"{table.name}.{col}"] = ids
        for table in _MOVED_ENTITIES:
            where = and_(table.c.entity_type == "person", table.c.entity_id == o.id)
            ids = [r[0] for r in conn.execute(select(table.c.id).where(where))]
            if ids:
                conn.execute(update(table).where(table.c.id.in_(ids)).values(entity_id=k.id))
                snapshot["moved"][f"{table.name}.entity_id"] = ids
        snapshot["missing"] = _move_missing(conn, o.id, k.id)
        audit.soft_delete(conn, persons, "person", o.id, actor=actor)
        merge_id = int(conn.execute(insert(person_merges).returning(person_merges.c.id), [{
            "kept_id": k.id, "merged_id": o.id, "at": audit.now(), "actor": actor,
            "snapshot": json.dumps(snapshot, ensure_ascii=False, default=str)}]).scalar_one())
        audit.log_event(conn, entity="person", entity_id=k.id, action="merge", actor=actor, field="merged",
                        after=o.ext_id)
        audit.log_event(conn, entity="person", entity_id=o.id, action="merge", actor=actor, field="merged into",
                        after=k.ext_id)
        refresh_persons(conn, [k.id, o.id])   # the name index, in this transaction
        return merge_id


def unmerge(engine: Engine, principal: Principal, *, merge_id: int) -> str:
    """Undo a merge: the other record comes back with everything that moved; the survivor gets its own
    values and names again. Returns the restored record's id."""
    require(principal, "edit")
    actor = principal.username
    with engine.begin() as conn:
        m = conn.execute(select(person_merges).where(person_merges.c.id == merge_id)).mappings().first()
        if m is None or m["unmerged_at"] is not None:
            raise NotFound.of(N_("no merge #%(id)s to undo"), id=merge_id)
        kept = dict(conn.execute(select(persons).where(persons.c.id == m["kept_id"])).mappings().one())
        check_visible(principal, "person", kept)
        snap = json.loads(m["snapshot"])
        for key, ids in snap["moved"].items():
            name, col = key.split(".")
            table = {t.name: t for t, _ in _MOVED} | {t.name: t for t in _MOVED_ENTITIES}
            conn.execute(update(table[name]).where(table[name].c.id.in_(ids)).values({col: m["merged_id"]}))
        _restore_missing(conn, snap.get("missing", {}), kept_id=m["kept_id"], merged_id=m["merged_id"])
        if lowers(kept["sensitivity"], snap["kept"]["sensitivity"]):   # the survivor's own lower one, back
            require_declassify(principal, "person", kept)
        audit.update_record(conn, persons, "person", m["kept_id"], snap["kept"], actor=actor)
        log_declassification(conn, entity="person", record_id=m["kept_id"], before=kept["sensitivity"],
                             after=snap["kept"]["sensitivity"], actor=actor)
        _set_names(conn, m["kept_id"], snap["kept_names"])
        other = conn.execute(select(persons.c.version, persons.c.ext_id).where(persons.c.id == m["merged_id"])).one()
        conn.execute(update(persons).where(persons.c.id == m["merged_id"]).values(
            deleted_at=None, updated_at=audit.now(), updated_by=actor, version=other.version + 1))
        conn.execute(update(person_merges).where(person_merges.c.id == merge_id).values(
            unmerged_at=audit.now(), unmerged_by=actor))
        for pid, what in ((m["kept_id"], other.ext_id), (m["merged_id"], kept["ext_id"])):
            audit.log_event(conn, entity="person", entity_id=pid, action="unmerge", actor=actor, field="merged",
                            before=what)
        refresh_persons(conn, [m["kept_id"], m["merged_id"]])   # the name index, in this transaction
        return str(other.ext_id)


def _move_missing(conn: Connection, other: int, kept: int) -> dict[str, list[list[Any]]]:
    """The other record's "missing from the list" rows (vetting_missing, keyed by run and person) go to the
    survivor; where the survivor is already listed for that run the other's row is dropped. Both are kept
    in the snapshot for an unmerge."""
    vm = vetting_missing.c
    kept_runs = {r[0] for r in conn.execute(select(vm.run_id).where(vm.person_id == kept))}
    rows = [(r.run_id, r.section) for r in conn.execute(select(vm.run_id, vm.section).where(vm.person_id == other))]
    moved = [[run, section] for run, section in rows if run not in kept_runs]
    dropped = [[run, section] for run, section in rows if run in kept_runs]
    if moved:
        conn.execute(update(vetting_missing).where(vm.person_id == other, vm.run_id.in_([r for r, _ in moved]))
                     .values(person_id=kept))
    if dropped:
        conn.execute(delete(vetting_missing).where(vm.person_id == other,
                                                   vm.run_id.in_([r for r, _ in dropped])))
    return {"moved": moved, "dropped": dropped}


def _restore_missing(conn: Connection, snap: dict[str, list[list[Any]]], *, kept_id: int, merged_id: int) -> None:
    vm = vetting_missing.c
    runs = [run for run, _ in snap.get("moved", [])]
    if runs:
        conn.execute(update(vetting_missing).where(vm.person_id == kept_id, vm.run_id.in_(runs))
                     .values(person_id=merged_id))
    dropped = snap.get("dropped", [])
    if dropped:
        conn.execute(insert(vetting_missing), [{"run_id": run, "person_id": merged_id, "section": section}
                                               for run, section in dropped])


def merges_into(engine: Engine, person_id: int, principal: Principal | None = None) -> list[dict[str, Any]]:
    """The merges a record survived that can still be undone, newest first; for ``principal``, only those of
    records it may see (a confidential record merged into a public one at the public level, by choice, is not
    named to a viewer: its id would tell that a hidden record exists and was this person)."""
    stmt = (select(person_merges.c.id, person_merges.c.at, person_merges.c.actor, persons.c.ext_id)
            .join(persons, persons.c.id == person_merges.c.merged_id)
            .where(person_merges.c.kept_id == person_id, person_merges.c.unmerged_at.is_(None))
            .order_by(person_merges.c.id.desc()))
    if principal is not None:
        stmt = stmt.where(visible_clause(principal, persons.c.sensitivity))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
