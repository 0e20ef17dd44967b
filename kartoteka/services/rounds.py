"""Negotiation rounds: compare two runs (who was added, removed or changed between two lists) and
record outcomes (released or exchanged on a date) as status events on the person's timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from kartoteka.db.tables import vetting_runs
from kartoteka.domain.dates import parse_partial_date
from kartoteka.errors import N_, InvalidInput
from kartoteka.matching.engine import NameQuery, query_key
from kartoteka.services.evidence import event_date, insert_event
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.round_summary import record_outcome_custody
from kartoteka.services.runs import RunRef, get_run, resolve_run
from kartoteka.services.vetting_model import OUTCOME_KINDS, MissingPerson, RunInfo, VetReport, VetRow

COMPARED = ("match", "status", "flags", "warnings")   # warnings: custody (exchanged, released ...)


@dataclass
class DiffEntry:
    key: str             # "person P0000012" for a matched person, else "name <normalised name|birth>"
    person_id: str
    name: str
    before: VetRow | None = None
    after: VetRow | None = None
    changes: list[str] = field(default_factory=list)   # "status: under_review -> recognised"
    deltas: list[tuple[str, str, str]] = field(default_factory=list)   # the same as data: (column, before, after)


@dataclass
class RunDiff:
    a: RunInfo
    b: RunInfo
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[DiffEntry]
    unchanged: int
    # the missing list (recognised, held, not on the list): who is newly on it, who no longer is
    newly_missing: list[MissingPerson] = field(default_factory=list)
    no_longer_missing: list[MissingPerson] = field(default_factory=list)


def row_key(row: VetRow) -> str:
    if row.match == "match" and row.person_id:
        return f"person {row.person_id}"
    try:
        birth = parse_partial_date(row.birth_date) if row.birth_date else None
    except ValueError:
        birth = None
    return "name " + query_key(NameQuery(row.name, birth))


def _keyed(rows: list[VetRow]) -> dict[str, VetRow]:
    out: dict[str, VetRow] = {}
    for row in rows:
        if not row.duplicate_of:
            out.setdefault(row_key(row), row)
    return out


def _value(row: VetRow, name: str) -> str:
    if name == "warnings":      # custody warnings; no_assessment only mirrors the status
        return ";".join(w for w in row.context.warnings if w != "no_assessment")
    return ";".join(row.flags) if name == "flags" else str(getattr(row, name))


COLUMN_WORDS = {"match": N_("match result"), "status": N_("status"), "flags": N_("flags"), "warnings": N_("warnings")}


def change_text(delta: tuple[str, str, str], gettext: Callable[[str], str] | None = None) -> str:
    """A change between two runs in words: "status: under review -> recognised" in the language of
    ``gettext``; without it the English codes, as DiffEntry.changes keeps them for tools."""
    column, before, after = delta
    if gettext is None:
        return f"{column}: {before or '-'} -> {after or '-'}"
    from kartoteka.reports.common import MATCH_LABELS, STATUS_LABELS, WARNING_LABELS   # (the reports' words)

    labels = {"match": MATCH_LABELS, "status": STATUS_LABELS, "warnings": WARNING_LABELS}.get(column, {})

    def words(value: str) -> str:   # a value, or several joined by ";" (flags, warnings): each its words
        return "; ".join(gettext(labels.get(v, v)) for v in value.split(";")) if value else "-"

    return f"{gettext(COLUMN_WORDS[column])}: {words(before)} -> {words(after)}"


def entry_text(entry: DiffEntry, gettext: Callable[[str], str]) -> str:
    """What an added or removed person is in the reader's language: the row's status (its candidate's,
    "needs review" first, for a row in review) and its flags: a flagged person slipped into a later
    round must read as one, not as a bare name."""
    from kartoteka.reports.common import MATCH_LABELS, STATUS_LABELS   # (the reports' words)

    row = entry.after if entry.after is not None else entry.before
    if row is None:
        return ""
    words = [gettext(MATCH_LABELS["review"])] if row.match == "review" else []
    if row.status:
        words.append(gettext(STATUS_LABELS.get(row.status, row.status)))
    if row.flags:
        words.append(f"{gettext(COLUMN_WORDS['flags'])}: " + ", ".join(gettext(f) for f in row.flags))
    return "; ".join(words)


def diff_runs(engine: Engine, *, run_a: RunRef, run_b: RunRef) -> RunDiff:
    """Persons added to, removed from and changed between list A (earlier) and list B (later)."""
    return diff_reports(get_run(engine, run=run_a), get_run(engine, run=run_b))


def diff_reports(a: VetReport, b: VetReport) -> RunDiff:
    """The diff of two reports (each as its reader may see it: see access.view_diff)."""
    ka, kb = _keyed(a.rows), _keyed(b.rows)
    added = [DiffEntry(k, r.person_id, r.name, None, r) for k, r in kb.items() if k not in ka]
    removed = [DiffEntry(k, r.person_id, r.name, r, None) for k, r in ka.items() if k not in kb]
    changed: list[DiffEntry] = []
    for k in ka.keys() & kb.keys():
        old, new = ka[k], kb[k]
        deltas = [(c, _value(old, c), _value(new, c)) for c in COMPARED if _value(old, c) != _value(new, c)]
        if deltas:
            changed.append(DiffEntry(k, new.person_id or old.person_id, new.name, old, new,
                                     [change_text(d) for d in deltas], deltas))
    unchanged = len(ka.keys() & kb.keys()) - len(changed)
    for old_entry, new_entry in _same_candidate(removed, added):
        assert old_entry.before is not None and new_entry.after is not None
        old, new = old_entry.before, new_entry.after
        deltas = [(c, _value(old, c), _value(new, c)) for c in COMPARED if _value(old, c) != _value(new, c)]
        removed.remove(old_entry)
        added.remove(new_entry)
        key = old_entry.key if old.match == "match" else new_entry.key
        changed.append(DiffEntry(key, new.person_id or old.person_id, new.name, old, new,
                                 [change_text(d) for d in deltas], deltas))
    changed.sort(key=lambda d: d.key)
    was, now = {m.internal_id for m in a.missing}, {m.internal_id for m in b.missing}
    return RunDiff(a.run, b.run, added, removed, changed, unchanged,
                   [m for m in b.missing if m.internal_id not in was], [m for m in a.missing if m.internal_id not in now])


def _same_candidate(removed: list[DiffEntry], added: list[DiffEntry]) -> list[tuple[DiffEntry, DiffEntry]]:
    """A removed and an added row about the same registry person, one matched to them and the other
    in review with them as its candidate (a re-spelling the matcher is less sure of, or a reviewer's
    "same" on one round only): one person whose match result changed, not one removed and one added.
    Only when the person has one such row on each side."""
    def by_person(entries: list[DiffEntry], side: str) -> dict[int, list[DiffEntry]]:
        out: dict[int, list[DiffEntry]] = {}
        for e in entries:
            row = e.before if side == "before" else e.after
            if row is not None and row.internal_id is not None and row.match in ("match", "review"):
                out.setdefault(row.internal_id, []).append(e)
        return out

    gone, came = by_person(removed, "before"), by_person(added, "after")
    pairs = []
    for pid, olds in gone.items():
        news = came.get(pid, [])
        if len(olds) == 1 and len(news) == 1:
            old, new = olds[0].before, news[0].after
            if old is not None and new is not None and "match" in (old.match, new.match):
                pairs.append((olds[0], news[0]))
    return pairs


def record_outcome(engine: Engine, *, person: str | int, kind: str, date: str, actor: str,
                   run: RunRef | None = None, note: str = "") -> int:
    """A release or exchange on a (possibly partial) date, as a status event; returns the event id."""
    if kind not in OUTCOME_KINDS:
        raise InvalidInput.of(N_("'%(kind)s' is not an outcome (use %(kinds)s)"), kind=kind,
                              kinds=", ".join(OUTCOME_KINDS))
    if not date:
        raise InvalidInput.of(N_("an outcome needs a date"))
    when = event_date(date)
    with engine.begin() as conn:
        person_id = resolve_person_id(conn, person)
        run_id = None
        if run is not None:
            run_id = resolve_run(conn, run)
            meta = conn.execute(select(vetting_runs.c.round, vetting_runs.c.side)
                                .where(vetting_runs.c.id == run_id)).one()
            where = ", ".join(x for x in (meta.round, meta.side) if x)
            note = (note + " " if note else "") + f"(vetting run #{run_id}{': ' + where if where else ''})"
        event_id = insert_event(conn, actor=actor, person_id=person_id, kind=kind, when=when, note=note,
                                run_id=run_id)
        record_outcome_custody(conn, person_id=person_id, kind=kind, date=when.iso() if when else "", actor=actor,
                               run_id=run_id, note=note)
        return event_id
