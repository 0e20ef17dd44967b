"""Reviewer decisions on a run's rows: same / different / unsure.

The decision is stored as a matching judgement (services/matching.py ``record_judgement``, with the
run id), so every later run reuses it: the matcher consults stored judgements before scoring. The
run's row, its duplicates, its missing-persons list and its counts are updated to match.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, Engine, delete, insert, select, update

from kartoteka.db import audit
from kartoteka.db.tables import vetting_missing, vetting_rows, vetting_runs
from kartoteka.domain.dates import parse_partial_date
from kartoteka.errors import N_, InvalidInput, NotFound
from kartoteka.matching.engine import NameQuery, query_key
from kartoteka.services.assessments import statuses_under
from kartoteka.services.matching import record_judgement
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.runs import RunRef, load_rows, person_labels, resolve_run
from kartoteka.services.screening import flags_for_persons
from kartoteka.services.vetting_model import (
    JUDGEMENTS, WARNING_KINDS, FlagView, VetRow, mark_duplicates, summarise,
)


def _query(row: VetRow) -> NameQuery:
    try:
        birth = parse_partial_date(row.birth_date) if row.birth_date else None
    except ValueError:
        birth = None
    return NameQuery(row.name, birth)


def _find(rows: list[VetRow], ref: str) -> VetRow:
    for row in rows:
        if row.id == ref:
            return row
    for row in rows:
        if str(row.row_no) == ref:
            return row
    raise NotFound.of(N_("the run has no row '%(row)s' (use the row's id from the report)"), row=ref)


def _apply(conn: Connection, row: VetRow, judgement: str, person_id: int, actor: str, definition_id: str) -> None:
    row.review, row.reviewed_by = judgement, actor
    if judgement == "same":
        ext, name, _ = person_labels(conn, [person_id]).get(person_id, ("", "", ""))
        detail = [FlagView(f.tag, f.kind, list(f.articles), f.reason)
                  for f in flags_for_persons(conn, [person_id]).get(person_id, [])]
        row.internal_id, row.person_id, row.registry_name, row.match, row.score = person_id, ext, name, "match", 1.0
        row.status = statuses_under(conn, [person_id], definition_id)[person_id]
        row.flag_detail, row.flags = detail, [f.tag for f in detail if f.kind in WARNING_KINDS]
        row.explanation = f"confirmed by {actor} (reviewer)"
    elif judgement == "different" and person_id == row.internal_id:
        row.explanation = f"{row.person_id} rejected by {actor} (reviewer); was: {row.explanation}"
        row.internal_id, row.person_id, row.registry_name, row.match = None, "", "", "no_match"
        row.status, row.flags, row.flag_detail = "unknown", [], []
    elif judgement == "unsure":
        row.match = "review" if row.internal_id is not None else row.match
        row.explanation = f"marked unsure by {actor} (reviewer); {row.explanation}"


def _refresh_missing(conn: Connection, run_id: int, rows: list[VetRow], affected: set[int],
                     definition_id: str) -> None:
    on_list = {r.internal_id for r in rows if r.match == "match" and r.internal_id is not None}
    statuses = statuses_under(conn, affected, definition_id)
    for pid in affected:
        conn.execute(delete(vetting_missing).where(vetting_missing.c.run_id == run_id,
                                                   vetting_missing.c.person_id == pid))
        if statuses.get(pid) == "recognised" and pid not in on_list:
            conn.execute(insert(vetting_missing).values(run_id=run_id, person_id=pid))


def _save_summary(conn: Connection, run_id: int, rows: list[VetRow]) -> None:
    stored = json.loads(conn.execute(select(vetting_runs.c.summary).where(vetting_runs.c.id == run_id)).scalar_one())
    missing = len(list(conn.execute(select(vetting_missing.c.person_id).where(vetting_missing.c.run_id == run_id))))
    summary = summarise(rows, [])
    stored.update(rows=summary.rows, by_status=summary.by_status, by_match=summary.by_match, missing=missing)
    conn.execute(update(vetting_runs).where(vetting_runs.c.id == run_id)
                 .values(summary=json.dumps(stored, ensure_ascii=False)))


def record_review(engine: Engine, *, run: RunRef, row: str, judgement: str, actor: str,
                  person: str | int | None = None) -> VetRow:
    """Record a reviewer's decision on one row of a run; ``person`` (organisation id) names another
    candidate than the row's own. Returns the updated row."""
    if judgement not in JUDGEMENTS:
        raise InvalidInput.of(N_("'%(judgement)s' is not a judgement (use %(judgements)s)"), judgement=judgement,
                              judgements=", ".join(JUDGEMENTS))
    with engine.connect() as conn:
        run_id = resolve_run(conn, run)
        definition_id = conn.execute(select(vetting_runs.c.definition_id)
                                     .where(vetting_runs.c.id == run_id)).scalar_one()
        target = _find(load_rows(conn, run_id), str(row))
        person_id = resolve_person_id(conn, person) if person is not None else target.internal_id
    if person_id is None:
        raise InvalidInput.of(N_("row %(row)s has no candidate person; name one with --person"), row=str(target.id))
    record_judgement(engine, query_key=query_key(_query(target)), person_id=person_id, judgement=judgement,
                     actor=actor, run_id=run_id, score=target.score)
    with engine.begin() as conn:
        rows = load_rows(conn, run_id)
        target = next(r for r in rows if r.key == target.key)
        before = {"match": target.match, "person": target.person_id, "status": target.status}
        affected = {p for p in (target.internal_id, person_id) if p is not None}
        _apply(conn, target, judgement, person_id, actor, definition_id)
        old_dups = {r.key: r.duplicate_of for r in rows}
        mark_duplicates(rows, [query_key(_query(r)) for r in rows])
        for r in rows:
            if r is target or r.duplicate_of != old_dups[r.key]:
                conn.execute(update(vetting_rows).where(vetting_rows.c.id == r.key).values(
                    person_id=r.internal_id, match=r.match, score=r.score, status=r.status,
                    flags=";".join(r.flags)[:200], duplicate_of=r.duplicate_of, explanation=r.explanation,
                    flag_detail=json.dumps([f.__dict__ for f in r.flag_detail], ensure_ascii=False),
                    review=r.review, reviewed_by=r.reviewed_by))
        _refresh_missing(conn, run_id, rows, affected, definition_id)
        _save_summary(conn, run_id, rows)
        audit.log_event(conn, entity="vetting_row", entity_id=target.key, action="review", actor=actor,
                        field=judgement, before=before,
                        after={"match": target.match, "person": target.person_id, "status": target.status})
    return target
