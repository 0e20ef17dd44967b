"""The viewer's world: vetting reports, run lists, diffs and screening flags exactly as Kartoteka would
produce them if the records a principal may not see did not exist.

A stored run is the full rendering, for the roles that see every record. For a principal with hidden
records, each row whose result could depend on a hidden person is matched again, at read time, by a
matcher of the visible registry (the stored index restricted to the visible sensitivities,
``StoredMatcher(conn, sensitivities=...)``, with the stored judgements; its given-name shares, size and
surnames count visible persons only): the matcher of a registry without the hidden persons, so the row
reads as it would have without them (its person, score, decision, explanation, status and flags). A row could depend
on a hidden person when its person is hidden; when a hidden person shares a blocking key with the
list name (a hidden person is then a candidate, an alternative, a "closest" or a skipped namesake);
when its text names a hidden person's id; when it has no birth date and a candidate (the matcher
judges a common name by the registry's given-name shares); or when a word of it is a surname only
hidden persons carry (the matcher treats the registry's surnames as real surnames). Blocking keys
do not depend on the other persons, so every other row is already what the visible registry gives.
Which rows those are is told by an in-memory matcher of the hidden persons alone (read by their ids,
kept until a record changes) and by the given-name shares of the visible and the whole registry (two
counts per given-name class): nothing loads the registry, so a viewer's first read after a change costs
the hidden persons' load and the rows matched again.
Flags are built from visible cases only; duplicates, the missing list, outcomes and every count
follow the rows.

Rows that are matched again are matched against the registry as it is now (the rest keep what the
run stored): a rendering never names a person that is hidden now, even one that was visible when
the list was vetted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from sqlalchemy import Connection, Engine, select

from kartoteka.db.tables import cases, persons, vetting_rows
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Matcher, NameQuery, query_key
from kartoteka.matching.kin import KinIndex
from kartoteka.matching.population import population
from kartoteka.matching.records import load_records
from kartoteka.matching.scorer import Query
from kartoteka.matching.stored import StoredIndex, StoredMatcher
from kartoteka.matching.tokens import Token
from kartoteka.services import screening
from kartoteka.services.access import Principal, visible_sensitivities, visible_values
from kartoteka.services.generation import GenerationCache
from kartoteka.services.name_index import sync_name_index
from kartoteka.services.lists import ListEntry
from kartoteka.services.screening import Flag, flags_for_persons
from kartoteka.services.vetting_model import WARNING_KINDS, FlagView, RunInfo, VetReport, VetRow, mark_duplicates

HiddenIds = tuple[frozenset[int], tuple[frozenset[str], tuple[int, ...]]]   # ids; organisation ids, their lengths
_HIDDEN: GenerationCache[HiddenIds] = GenerationCache(maxsize=4)


def sees_everything(principal: Principal) -> bool:
    return len(visible_sensitivities(principal)) == 3


def _hidden_records(engine: Engine, principal: Principal) -> HiddenIds:
    """The (not deleted) persons the principal may not see and their ids; kept until the registry changes."""

    def build() -> HiddenIds:
        with engine.connect() as conn:
            found = list(conn.execute(select(persons.c.id, persons.c.ext_id).where(
                persons.c.deleted_at.is_(None), persons.c.sensitivity.not_in(visible_values(principal)))))
        ext_ids = frozenset(r[1] for r in found if r[1])
        return frozenset(r[0] for r in found), (ext_ids, tuple(sorted({len(e) for e in ext_ids})))
    return _HIDDEN.get(engine, visible_sensitivities(principal), build)


def restricted_to(principal: Principal) -> list[str] | None:
    """The sensitivities a matcher must be restricted to for ``principal`` (None: every record)."""
    return None if sees_everything(principal) else visible_values(principal)



_HIDDEN_MATCHER: GenerationCache[Matcher] = GenerationCache(maxsize=4, judgements=False)


def hidden_matcher(engine: Engine, principal: Principal) -> Matcher:
    """The in-memory matcher of only the persons hidden from the principal, read by their ids (a few per
    cent of the registry): which blocks and surnames they have. Kept until a record changes."""
    def build() -> Matcher:
        with engine.connect() as conn:
            return Matcher(load_records(conn, _hidden_records(engine, principal)[0]).values())
    return _HIDDEN_MATCHER.get(engine, visible_sensitivities(principal), build)


def visible_matcher(conn: Connection, principal: Principal) -> StoredMatcher:
    """The matcher of the registry the principal may see, with every stored judgement: its statistics
    (registry size, given-name shares, the registry's surnames) are those of the visible registry too."""
    return StoredMatcher(conn, sensitivities=visible_sensitivities(principal))


def hidden_case_flags(conn: Connection, principal: Principal, person_ids: list[int]) -> dict[int, list[Flag]]:
    """For the persons among ``person_ids`` with cases hidden from the principal: their screening flags
    built from the visible cases only, as if the hidden ones did not exist (their articles, courts and
    offence elements never reach a reason). Persons with nothing hidden are absent."""
    if sees_everything(principal) or not person_ids:
        return {}
    hidden_cases = {r[0]: r[1] for r in conn.execute(select(cases.c.id, cases.c.person_id).where(
        cases.c.person_id.in_(sorted(set(person_ids))), cases.c.deleted_at.is_(None),
        cases.c.sensitivity.not_in(visible_values(principal))))}
    affected = sorted(set(hidden_cases.values()))
    out: dict[int, list[Flag]] = {}
    if not affected:
        return out
    by_person, citizenship = screening._load_cases(conn, affected)
    for pid in affected:
        shown = {cid: c for cid, c in by_person.get(pid, {}).items() if cid not in hidden_cases}
        out[pid] = screening.person_flags(shown, citizenship.get(pid, set()))
    return out


def visible_case_flags(conn: Connection, principal: Principal, person_ids: list[int]) -> dict[int, list[Flag]]:
    """Screening flags per person from the cases the principal may see."""
    flags = flags_for_persons(conn, person_ids) if person_ids else {}
    flags.update(hidden_case_flags(conn, principal, person_ids))
    return flags


class VisibleFlagTags:
    """The flag tags of each person (war_crime, violence, ...) from the cases ``principal`` may see: called
    with a connection and person ids, as a list of persons shows them. A reader that has already read the
    persons' visible cases (services/browse.py: the rows of a search) builds the same tags from them
    (``screening.person_flags``) instead of reading the cases again."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def __call__(self, conn: Connection, person_ids: list[int]) -> dict[int, list[str]]:
        return {pid: screening.tags_of(fl) for pid, fl in visible_case_flags(conn, self.principal, person_ids).items()}


def _query(row: VetRow, gender: str | None) -> NameQuery:
    try:
        birth = parse_partial_date(row.birth_date) if row.birth_date else None
    except ValueError:
        birth = None
    return NameQuery(row.name, birth, Gender(gender) if gender in ("m", "f") else None, row.id)


def _names_one(text: str, ext_ids: tuple[frozenset[str], tuple[int, ...]]) -> bool:
    """Whether ``text`` contains one of the organisation ids anywhere (as a substring): every slice of
    each id length is looked up in the set, a few hundred look-ups for an explanation."""
    ids, lengths = ext_ids
    return any(text[i:i + n] in ids for n in lengths for i in range(len(text) - n + 1))


def _blocks_a_hidden_person(hidden: Matcher, queries: list[Query]) -> bool:
    """Whether a hidden person shares a blocking key with the list name (surnames about one edit away
    included, and the kin blocks of a full birth date): the matcher of the hidden persons alone answers
    it, as blocks do not depend on the other persons."""
    if any(hidden.index.candidates(query.units, near=True) for query in queries):
        return True
    if not queries or queries[0].birth is None or queries[0].birth.day is None:
        return False
    if hidden._kin is None:
        hidden._kin = KinIndex(hidden.candidates_)
    return any(hidden._kin.candidates(query) for query in queries)


def _shares_differ(vis: StoredMatcher, everyone: StoredMatcher, units: list[Token]) -> bool:
    """Whether the common-name rule could judge the name differently without the hidden persons: some
    word is a surname frequent enough for the rule (at the highest given-name share) and some word's
    given-name share differs between the visible and the whole registry (Matcher._common_name)."""
    s, pop = vis.settings, population()
    if not any(s.population * pop.surname_share(u.keys) * s.given_share[1] >= s.common_name
               for u in units if not u.initial):
        return False
    return any(vis._given_share(u) != everyone._given_share(u) for u in units if u.classes)


def _hidden_surnames(vis: StoredMatcher, hidden: Matcher, keys: set[str]) -> set[str]:
    """Which of these surname keys only hidden persons carry."""
    found = keys & hidden.index.surname_keys
    return found - cast(StoredIndex, vis.index).existing(found) if found else set()


def _depends_on_hidden(row: VetRow, q: NameQuery, hidden: Matcher, vis: StoredMatcher, everyone: StoredMatcher,
                       hidden_ids: frozenset[int], ext_ids: tuple[frozenset[str], tuple[int, ...]]) -> bool:
    """Whether the row's result could differ without the hidden persons: its person is hidden; a hidden
    person shares a blocking key with its name (a candidate, an alternative, the closest, a namesake);
    its text names a hidden id; it has no birth date and a candidate, and the common-name rule could
    judge it otherwise (it counts the registry's given-name shares); or a word of it is a surname only
    hidden persons carry."""
    if row.internal_id in hidden_ids or _names_one(row.explanation, ext_ids):
        return True
    queries = hidden.prepare_all(q)
    if _blocks_a_hidden_person(hidden, queries):
        return True
    units = [u for query in queries for u in query.units]
    if row.match != "no_match" and queries and queries[0].birth is None and _shares_differ(vis, everyone, units):
        return True
    return bool(_hidden_surnames(vis, hidden, {k for u in units for k in u.keys}))


def _rematch(engine: Engine, report: VetReport, todo: list[tuple[int, NameQuery]], rows: list[VetRow],
             matcher: Matcher) -> None:
    from kartoteka.services.vetting import build_rows   # vetting imports the services that import this one

    results = matcher.match_many([q for _i, q in todo])
    entries = [ListEntry(rows[i].row_no, rows[i].id, rows[i].name, rows[i].birth_date, q.birth_date, q.gender, {})
               for i, q in todo]
    run = report.run
    with engine.connect() as conn:
        rebuilt = build_rows(conn, entries, results, run.definition_id, definitions=run.definitions or None,
                             held_by=run.held_by)
    for (i, _q), new in zip(todo, rebuilt):
        old = rows[i]
        new.key, new.claimed = old.key, old.claimed   # the list's own data stays as read
        if old.internal_id is None or old.internal_id == new.internal_id:
            new.review, new.reviewed_by = old.review, old.reviewed_by
        rows[i] = new


_REPORTS: GenerationCache[VetReport] = GenerationCache(maxsize=32)


def world_report(engine: Engine, principal: Principal, report: VetReport) -> VetReport:
    """The report as Kartoteka would have made it without the records hidden from ``principal``; kept
    per run until the registry changes (a review or an outcome changes it too)."""
    if sees_everything(principal):
        return report
    if not report.run.id:
        return _world_report(engine, principal, report)
    return _REPORTS.get(engine, (report.run.id, visible_sensitivities(principal)),
                        lambda: _world_report(engine, principal, report))


def _world_report(engine: Engine, principal: Principal, report: VetReport) -> VetReport:
    hidden_ids, ext_ids = _hidden_records(engine, principal)
    with engine.connect() as conn:
        genders = dict(conn.execute(select(vetting_rows.c.id, vetting_rows.c.gender)
                                    .where(vetting_rows.c.run_id == report.run.id)).all()) if report.run.id else {}
    rows = [replace(r) for r in report.rows]
    queries = [_query(r, genders.get(r.key)) for r in rows]
    if hidden_ids:   # no hidden person: every row already reads as in the visible registry
        hidden = hidden_matcher(engine, principal)
        sync_name_index(engine)
        with engine.connect() as conn:
            vis, everyone = visible_matcher(conn, principal), StoredMatcher(conn)
            todo = [(i, q) for i, (row, q) in enumerate(zip(rows, queries))
                    if _depends_on_hidden(row, q, hidden, vis, everyone, hidden_ids, ext_ids)]
            if todo:
                _rematch(engine, report, todo, rows, vis)
    ids = sorted({r.internal_id for r in rows if r.internal_id is not None})
    with engine.connect() as conn:
        flags = hidden_case_flags(conn, principal, ids)
        for row in rows:
            if row.internal_id in flags:
                detail = [FlagView(f.tag, f.kind, list(f.articles), f.reason) for f in flags[row.internal_id]]
                row.flag_detail, row.flags = detail, [f.tag for f in detail if f.kind in WARNING_KINDS]
        mark_duplicates(rows, [query_key(q) for q in queries])
        shown = {r[0] for r in conn.execute(select(persons.c.ext_id).where(
            persons.c.ext_id.in_({o.person_id for o in report.outcomes}), persons.c.deleted_at.is_(None),
            persons.c.sensitivity.in_(visible_values(principal))))}
    outcomes = [o for o in report.outcomes if o.person_id in shown]
    # the missing persons: the visible ones that no row of the viewer's matches, with the review rows
    # of the viewer's report that may name them
    matched = {r.internal_id for r in rows if r.match == "match"}
    maybe: dict[int, list[str]] = {}
    for r in rows:
        if r.match == "review" and r.internal_id is not None:
            maybe.setdefault(r.internal_id, []).append(r.id)
    missing = [m if m.possible_rows == maybe.get(m.internal_id, []) else replace(m, possible_rows=maybe[m.internal_id])
               if m.internal_id in maybe else replace(m, possible_rows=[])
               for m in report.missing if m.internal_id not in hidden_ids and m.internal_id not in matched]
    lost = {r.internal_id for r in report.rows if r.match == "match"} - matched - hidden_ids
    if lost:   # matched in the full report only (a common name now in review): missing if still held
        from kartoteka.services.vetting import missing_persons

        with engine.connect() as conn:
            missing += [m for m in missing_persons(conn, rows, report.run.definition_id, held_by=report.run.held_by)
                        if m.internal_id in lost]
        missing.sort(key=lambda m: (m.section != "recognised", m.person_id))
    out = replace(report, rows=rows, missing=missing, outcomes=outcomes)
    summary = out.summary
    out.run = replace(report.run, rows=summary.rows, by_status=summary.by_status, missing=summary.missing,
                      notices=_world_notices(engine, principal, report.run))
    return out


def _world_notices(engine: Engine, principal: Principal, run: RunInfo) -> list[str]:
    """The run's notices with those the registry gives only without the hidden persons (the only decided
    assessment or the only custody of the list's party is a hidden person's): the stored ones stay."""
    from kartoteka.services.vetting_context import run_notices

    wanted = run.definitions or [run.definition_id]
    with engine.connect() as conn:
        seen, full = run_notices(conn, wanted, run.held_by, visible_sensitivities(principal)), \
            run_notices(conn, wanted, run.held_by)
    shown = [*run.notices, *(n for n in seen if n not in full and n not in run.notices)]
    return sorted(shown, key=lambda n: seen.index(n) if n in seen else len(seen))   # in the order a run gives


_RUNS: GenerationCache[RunInfo] = GenerationCache(maxsize=512)


def world_runs(engine: Engine, principal: Principal, found: list[RunInfo]) -> list[RunInfo]:
    """Saved runs with the counts the principal's own rendering of each report gives."""
    if sees_everything(principal):
        return found
    from kartoteka.services.runs import get_run

    def counted(run_id: int) -> RunInfo:
        return _RUNS.get(engine, (run_id, visible_sensitivities(principal)),
                         lambda: world_report(engine, principal, get_run(engine, run=run_id)).run)

    return [counted(run.id) for run in found]
