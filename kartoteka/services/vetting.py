"""Vet an exchange list against the registry: who is a recognised political prisoner, who is in the
registry but not recognised, whose charges carry flags, who is unknown, who is listed twice, and which
recognised persons are missing from the list. Every run is saved with its rows.

The functions the CLI and the web pages call: :func:`vet_list` here, ``list_runs``/``get_run`` from
services/runs.py, ``diff_runs``/``record_outcome`` from services/rounds.py and ``record_review`` from
services/reviews.py (all re-exported here).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, insert

from kartoteka.catalogs import definition_ids
from kartoteka.db import audit
from kartoteka.db.bulk import bulk_insert
from kartoteka.collector import paused
from kartoteka.db.tables import vetting_missing, vetting_rows, vetting_runs
from kartoteka.errors import N_, InvalidInput, message_data
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery, query_key
from kartoteka.services.assessments import recognised_person_ids, statuses_under
from kartoteka.services.custody import check_party
from kartoteka.services.matching import list_matcher
from kartoteka.services.respelled import carry_respelled
from kartoteka.services.rounds import diff_runs, record_outcome
from kartoteka.services.reviews import record_review
from kartoteka.services.runs import RunRef, get_run, list_runs, load_missing, person_labels
from kartoteka.services.screening import Flag, flags_for_persons
from kartoteka.services.vetting_context import (
    claim_header, describe_missing, row_contexts, run_notices, scoped_missing,
)
from kartoteka.services.vetting_model import (
    WARNING_KINDS, FlagView, MissingPerson, RunInfo, VetReport, VetRow, mark_duplicates,
)
from kartoteka.services.lists import ListEntry, ListInput, read_list
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.reader import RawTable

Progress = Callable[[int, int], None]
SCREEN_SLICE = 1500     # persons per flags_for_persons call (below its scan threshold)


def _flag_views(flags: list[Flag]) -> list[FlagView]:
    return [FlagView(f.tag, f.kind, list(f.articles), f.reason) for f in flags]


def _flags(conn: Connection, ids: set[int]) -> dict[int, list[Flag]]:
    """flags_for_persons in slices small enough for its indexed lookups: above screening.BULK ids it
    scans every case, which is right for a small registry and slow for a million persons."""
    ordered = sorted(ids)
    out: dict[int, list[Flag]] = {}
    for i in range(0, len(ordered), SCREEN_SLICE):
        out.update(flags_for_persons(conn, ordered[i:i + SCREEN_SLICE]))
    return out


def build_rows(conn: Connection, entries: list[ListEntry], results: list[MatchResult],
               definition_id: str, *, definitions: list[str] | None = None, held_by: str = "",
               claim: str | None = None) -> list[VetRow]:
    """Status, flags, custody context and duplicates for matched rows; review rows carry their candidate's.
    ``claim``: the list's header holding its own claim about each row."""
    ids = {r.person_id for r in results if r.person_id is not None and r.decision != "no_match"}
    statuses = statuses_under(conn, ids, definition_id)
    contexts = row_contexts(conn, ids, definitions=definitions or [definition_id], held_by=held_by)
    flags = _flags(conn, ids)
    labels = person_labels(conn, ids)
    rows: list[VetRow] = []
    for entry, res in zip(entries, results):
        pid = res.person_id if res.decision != "no_match" else None
        detail = _flag_views(flags.get(pid, [])) if pid is not None else []
        ext, reg_name, _birth = labels.get(pid, (res.ext_id or "", "", "")) if pid is not None else ("", "", "")
        explanation = res.explanation if res.decision != "review" else "to confirm: " + res.explanation
        rows.append(VetRow(
            id=entry.id, name=entry.name, person_id=ext, match=res.decision, score=round(res.score, 3),
            status=statuses.get(pid, "under_review") if pid is not None else "unknown",
            flags=[f.tag for f in detail if f.kind in WARNING_KINDS], duplicate_of="", explanation=explanation,
            row_no=entry.row_no, birth_date=entry.birth.iso() if entry.birth else entry.birth_text,
            registry_name=reg_name, flag_detail=detail, internal_id=pid,
            claimed=entry.raw.get(claim, "").strip() if claim else "", reasons=list(res.reasons)))
        if pid is not None and pid in contexts:
            rows[-1].context = contexts[pid]
    mark_duplicates(rows, [query_key(_query(e)) for e in entries])
    return rows


def missing_persons(conn: Connection, rows: list[VetRow], definition_id: str,
                    matcher: Matcher | None = None, *, held_by: str = "") -> list[MissingPerson]:
    """Recognised persons not matched by any row and still held (by ``held_by`` when given; then the
    held persons under review or unassessed follow as a second section). With the run's ``matcher``
    their ids, names and birth dates come from its memory instead of a scan of the registry."""
    ids, review, held = scoped_missing(conn, rows, recognised_person_ids(conn, definition_id),
                                       definition_id=definition_id, held_by=held_by)
    labels = _labels_from(matcher, ids | review) if matcher is not None else None
    found = load_missing(conn, ids | review, rows, labels)
    for m in found:
        m.section = "under_review" if m.internal_id in review else "recognised"
    found.sort(key=lambda m: (m.section != "recognised", m.person_id))
    describe_missing(conn, found, held)
    return found


def _labels_from(matcher: Matcher, ids: set[int]) -> dict[int, tuple[str, str, str]] | None:
    out: dict[int, tuple[str, str, str]] = {}
    for pid in ids:
        row = matcher.row_of.get(pid)
        if row is None:
            return None          # a matcher for part of the registry: read the labels from the database
        cand = matcher.candidates_[row]
        out[pid] = (matcher.ext_ids[row], cand.names[0].full if cand.names else "",
                    cand.birth.iso() if cand.birth else "")
    return out


def _query(e: ListEntry) -> NameQuery:
    return NameQuery(e.name, e.birth, e.gender, e.id)


def _store(conn: Connection, report: VetReport, entries: list[ListEntry], summary: dict[str, object]) -> int:
    run = report.run
    run_id = int(conn.execute(insert(vetting_runs).returning(vetting_runs.c.id), [{
        "label": run.label, "round": run.round, "side": run.side, "definition_id": run.definition_id,
        "filename": run.filename, "sha256": run.sha256, "at": run.at, "actor": run.actor, "algorithm": run.algorithm,
        "algorithm_version": run.algorithm_version, "summary": json.dumps(summary, ensure_ascii=False),
        "list_format": run.list_format, "held_by": run.held_by}]).scalar_one())
    bulk_insert(conn, vetting_rows, [{
        "run_id": run_id, "row_no": r.row_no, "list_id": r.id, "name": r.name,
        "birth_date": r.birth_date[:10] or None, "person_id": r.internal_id, "match": r.match, "score": r.score,
        "status": r.status, "flags": ";".join(r.flags)[:200], "duplicate_of": r.duplicate_of,
        "context": json.dumps({**r.context.as_json(), "claimed": r.claimed, "reasons": r.reasons}, ensure_ascii=False),
        "explanation": r.explanation, "gender": e.gender.value if e.gender else None,
        "raw": json.dumps(e.raw, ensure_ascii=False),
        "flag_detail": json.dumps([f.__dict__ for f in r.flag_detail], ensure_ascii=False),
        "review": "", "reviewed_by": ""} for r, e in zip(report.rows, entries)])
    bulk_insert(conn, vetting_missing, [{"run_id": run_id, "person_id": m.internal_id, "section": m.section}
                                        for m in report.missing])
    audit.log_event(conn, entity="vetting_run", entity_id=run_id, action="create", actor=run.actor,
                    after={"filename": run.filename, "definition": run.definition_id, "rows": len(report.rows),
                           "round": run.round, "side": run.side})
    return run_id


def vet_list(engine: Engine, *, path: Path, definition_id: str, actor: str, round: str = "", side: str = "",
             label: str = "", mapping: dict[str, str] | None = None, table: RawTable | None = None,
             matcher: Matcher | None = None, progress: Progress | None = None, held_by: str = "",
             definitions: list[str] | None = None) -> VetReport:
    """Vet the list at ``path`` (or an already opened ``table``, e.g. a pasted list) and save the run.

    ``held_by``: whose custody the list concerns (RU, UA, OCC:<region> ...): the missing list then
    names only persons that party still holds. ``definitions``: more definitions to show a status
    column for (the main ``definition_id`` is always the first).

    ``matcher`` lets a caller reuse a loaded registry. By default the candidates come, with every stored
    reviewer judgement (decisions from earlier runs apply), from the stored index or from the registry
    loaded into memory, whichever is faster for the list's length (services/matching.py
    ``candidates_path``); ``report.timings`` tells which: "load_registry" or "stored_index".
    """
    wanted = list(dict.fromkeys([definition_id, *(definitions or [])]))
    for d in wanted:
        if d not in definition_ids():
            raise InvalidInput.of(N_("unknown definition '%(definition)s' (known: %(known)s)"), definition=d,
                                  known=", ".join(definition_ids()))
    held_by = check_party(held_by) if held_by.strip() else ""
    started = time.perf_counter()
    listing = read_list(table or open_list(path), mapping)
    if not listing.entries:
        raise InvalidInput.of(N_("%(file)s: the list has no rows with a name"), file=path.name)
    sha = hashlib.sha256(path.read_bytes() if path.is_file() else json.dumps(
        [e.raw for e in listing.entries], ensure_ascii=False).encode()).hexdigest()
    timings = {"read": time.perf_counter() - started}
    queries = [_query(e) for e in listing.entries]
    if matcher is None:
        paths: list[str] = []
        with list_matcher(engine, len(queries), on_path=paths.append) as found:
            timings["load_registry" if paths == ["registry"] else "stored_index"] = \
                time.perf_counter() - started - timings["read"]
            t_match = time.perf_counter()
            results = found.match_many(queries, progress)
        in_memory: Matcher | None = found if paths == ["registry"] else None
    else:
        in_memory = matcher
        t_match = time.perf_counter()
        results = matcher.match_many(queries, progress)
    timings["match"] = time.perf_counter() - t_match
    t_vet = time.perf_counter()
    # the report's objects hold no cycles; with a million-person matcher in memory, each full collection
    # walks tens of millions of objects, tripling the time
    with paused(), engine.begin() as conn:
        results = carry_respelled(conn, queries, results)
        rows = build_rows(conn, listing.entries, results, definition_id, definitions=wanted, held_by=held_by,
                          claim=claim_header(listing.entries[0].raw))
        timings["rows"] = time.perf_counter() - t_vet
        missing = missing_persons(conn, rows, definition_id, in_memory, held_by=held_by)
        timings["missing"] = time.perf_counter() - t_vet - timings["rows"]
        info = RunInfo(id=0, label=label, round=round, side=side, definition_id=definition_id,
                        filename=path.name, sha256=sha, at=audit.now(), actor=actor, algorithm=Matcher.ALGORITHM,
                        algorithm_version=Matcher.VERSION, list_format=listing.format, held_by=held_by,
                        definitions=wanted, notices=run_notices(conn, wanted, held_by))
        report = VetReport(info, rows, missing, listing.columns, listing.problems)
        summary = report.summary
        stored = {"rows": summary.rows, "by_status": summary.by_status, "by_match": summary.by_match,
                  "missing": summary.missing, "columns": listing.columns,
                  "problems": [message_data(p) for p in listing.problems[:500]],   # translatable when read again
                  "definitions": info.definitions, "notices": info.notices}
        report.run.id = _store(conn, report, listing.entries, stored)
    report.run.rows, report.run.by_status, report.run.missing = summary.rows, summary.by_status, summary.missing
    timings["vet"] = time.perf_counter() - t_vet
    timings["total"] = time.perf_counter() - started
    report.timings = timings
    return report


__all__ = ["ListEntry", "ListInput", "RunRef", "build_rows", "diff_runs", "get_run", "list_runs",
           "missing_persons", "read_list", "record_outcome", "record_review", "vet_list"]
