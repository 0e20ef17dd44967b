"""Saved vetting runs: find one, list them by negotiation round and side, load one back as a report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from kartoteka.db.tables import person_names, persons, status_events, vetting_missing, vetting_rows, vetting_runs
from kartoteka.errors import N_, NotFound, message_of
from kartoteka.matching.explain import from_data as reasons_from_data
from kartoteka.services.vetting_context import describe_missing
from kartoteka.services.vetting_model import (
    FlagView, MissingPerson, OutcomeView, RowContext, RunInfo, VetReport, VetRow,
)

RunRef = int | str      # a run id, "#id", "latest" or a label (its newest run)
CHUNK = 5000
FULL_SCAN = 20_000      # above this many ids, one scan of the registry beats chunked IN lists


def resolve_run(conn: Connection, ref: RunRef) -> int:
    text = str(ref).strip().lstrip("#")
    if text == "latest":
        found = conn.execute(select(func.max(vetting_runs.c.id))).scalar()
    elif text.isdigit():
        found = conn.execute(select(vetting_runs.c.id).where(vetting_runs.c.id == int(text))).scalar()
    else:
        found = conn.execute(select(func.max(vetting_runs.c.id)).where(vetting_runs.c.label == text)).scalar()
    if found is None:
        raise NotFound.of(N_("no vetting run '%(ref)s' (use a run id, 'latest' or a label; see `kartoteka runs`)"),
                          ref=str(ref))
    return int(found)


def person_labels(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """``{person id: (organisation id, primary name, birth date)}`` for the given persons."""
    wanted = set(ids)
    out: dict[int, tuple[str, str, str]] = {}
    if not wanted:
        return out
    stmt = (select(persons.c.id, persons.c.ext_id, persons.c.birth_date, person_names.c.full)
            .select_from(persons.outerjoin(person_names, (person_names.c.person_id == persons.c.id)
                                           & (person_names.c.kind == "primary")))
            .order_by(persons.c.id))
    chunks: list[list[int] | None] = [None] if len(wanted) > FULL_SCAN else \
        [sorted(wanted)[i:i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    for chunk in chunks:
        query = stmt if chunk is None else stmt.where(persons.c.id.in_(chunk))
        for pid, ext, birth, full in conn.execute(query):
            if pid in wanted and pid not in out:
                out[pid] = (ext, full or "", birth or "")
    return out


def load_missing(conn: Connection, ids: Iterable[int], rows: list[VetRow],
                 labels: dict[int, tuple[str, str, str]] | None = None) -> list[MissingPerson]:
    """The missing recognised persons, ordered by organisation id, with the review rows that may name them."""
    if labels is None:
        labels = person_labels(conn, ids)
    maybe: dict[int, list[str]] = {}
    for r in rows:
        if r.match == "review" and r.internal_id in labels:
            maybe.setdefault(r.internal_id, []).append(r.id)
    found = [MissingPerson(ext, name, birth, pid, maybe.get(pid, [])) for pid, (ext, name, birth) in labels.items()]
    return sorted(found, key=lambda m: m.person_id)


def _utc(at: dt.datetime) -> dt.datetime:
    """SQLite gives naive UTC datetimes, PostgreSQL aware ones in the session's zone: make both UTC."""
    return at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at.astimezone(dt.timezone.utc)


def _run_info(row: Any) -> RunInfo:
    summary = json.loads(row.summary or "{}")
    return RunInfo(id=row.id, label=row.label, round=row.round, side=row.side, definition_id=row.definition_id,
                   filename=row.filename, sha256=row.sha256, at=_utc(row.at), actor=row.actor, algorithm=row.algorithm,
                   algorithm_version=row.algorithm_version, list_format=row.list_format,
                   rows=int(summary.get("rows", 0)), by_status=dict(summary.get("by_status", {})),
                   missing=int(summary.get("missing", 0)), held_by=row.held_by,
                   definitions=list(summary.get("definitions", [row.definition_id])),
                   notices=list(summary.get("notices", [])))


def list_runs(engine: Engine, *, round: str | None = None, side: str | None = None) -> list[RunInfo]:
    """Saved runs grouped by negotiation round and side, oldest first within a group."""
    stmt = select(vetting_runs).order_by(vetting_runs.c.round, vetting_runs.c.side, vetting_runs.c.at,
                                         vetting_runs.c.id)
    if round is not None:
        stmt = stmt.where(vetting_runs.c.round == round)
    if side is not None:
        stmt = stmt.where(vetting_runs.c.side == side)
    with engine.connect() as conn:
        return [_run_info(r) for r in conn.execute(stmt)]


def load_rows(conn: Connection, run_id: int) -> list[VetRow]:
    stmt = (select(vetting_rows, persons.c.ext_id)
            .select_from(vetting_rows.outerjoin(persons, persons.c.id == vetting_rows.c.person_id))
            .where(vetting_rows.c.run_id == run_id).order_by(vetting_rows.c.row_no, vetting_rows.c.id))
    rows = [VetRow(
        id=r.list_id, name=r.name, person_id=r.ext_id or "", match=r.match, score=r.score, status=r.status,
        flags=[f for f in r.flags.split(";") if f], duplicate_of=r.duplicate_of, explanation=r.explanation,
        row_no=r.row_no, birth_date=r.birth_date or "", flag_detail=[FlagView(**f) for f in json.loads(r.flag_detail)],
        review=r.review, reviewed_by=r.reviewed_by, internal_id=r.person_id, key=r.id,
        context=RowContext.from_json(json.loads(r.context or "{}")),
        claimed=str(json.loads(r.context or "{}").get("claimed", "")),
        reasons=reasons_from_data(json.loads(r.context or "{}").get("reasons", [])))
        for r in conn.execute(stmt)]
    labels = person_labels(conn, {r.internal_id for r in rows if r.internal_id is not None})
    for row in rows:
        if row.internal_id in labels:
            row.registry_name = labels[row.internal_id][1]
    return rows


def load_outcomes(conn: Connection, run_id: int) -> list[OutcomeView]:
    stmt = (select(status_events.c.id, status_events.c.person_id, status_events.c.kind, status_events.c.date,
                   status_events.c.note, status_events.c.created_by)
            .where(status_events.c.run_id == run_id, status_events.c.deleted_at.is_(None))
            .order_by(status_events.c.id))
    events = list(conn.execute(stmt))
    labels = person_labels(conn, {e.person_id for e in events})
    return [OutcomeView(e.id, labels.get(e.person_id, ("", "", ""))[0], labels.get(e.person_id, ("", "", ""))[1],
                        e.kind, e.date or "", e.note, e.created_by) for e in events]


def get_run(engine: Engine, *, run: RunRef) -> VetReport:
    """A saved run as the same report object :func:`vet_list` returned."""
    with engine.connect() as conn:
        run_id = resolve_run(conn, run)
        row = conn.execute(select(vetting_runs).where(vetting_runs.c.id == run_id)).one()
        info = _run_info(row)
        rows = load_rows(conn, run_id)
        sections = {r[0]: r[1] for r in conn.execute(select(vetting_missing.c.person_id, vetting_missing.c.section)
                                                      .where(vetting_missing.c.run_id == run_id))}
        missing = load_missing(conn, sections, rows)
        for m in missing:
            m.section = sections.get(m.internal_id, "recognised")
        missing.sort(key=lambda m: (m.section != "recognised", m.person_id))
        describe_missing(conn, missing)
        summary = json.loads(row.summary or "{}")
        return VetReport(info, rows, missing, dict(summary.get("columns", {})), [message_of(p) for p in summary.get("problems", [])],
                         load_outcomes(conn, run_id))
