"""The matcher: registry loaded into a candidate index, list rows scored and decided.

Decisions put precision first: `match` only when the best candidate scores at least
``match_threshold`` and no other candidate is within ``margin``; `review` when a human must look
(two close candidates, namesakes a missing birth date cannot separate, a middling score);
`no_match` otherwise. Stored human judgements (table match_decisions) override the scorer.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, select

from kartoteka.collector import paused
from kartoteka.db.bulk import driver_iter
from kartoteka.db.tables import match_decisions
from kartoteka.domain.dates import PartialDate, parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.config import ALGORITHM as _ALGORITHM
from kartoteka.matching.config import DEFAULT, VERSION as _VERSION, MatchSettings
from kartoteka.matching.bounded import top
from kartoteka.matching.index import CandidateIndex, block_arrays
from kartoteka.matching.explain import N_, Gettext, Reason, reason, render_all, render_each
from kartoteka.matching.kin import KinIndex, kin_arrays, score_kin
from kartoteka.matching.population import population
from kartoteka.matching.scorer import Candidate, Query, Scored, date_kind, score_candidate
from kartoteka.matching.compare import Sim
from kartoteka.matching.tokens import PreparedName, Token, prepare_name, prepare_part, query_units
from kartoteka.matching.written import split_written
from kartoteka.names.keys import tokens
from kartoteka.names.parse import split_name

if TYPE_CHECKING:   # numpy is loaded when an index is built, not at import (CLI start)
    import numpy as np

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")
QUERY_MEMOS = 64     # queries kept by written name (Matcher._query)
YEARS_AT_ONCE = 16   # fewer candidates are dated one by one (_years_apart)
FORKED_BUILD = 20_000   # persons from which the index is built by every core (Matcher._build_forked)
BUILD_CHUNK = 2_000     # persons per piece of that work


@dataclass(frozen=True)
class NameQuery:
    name: str
    birth_date: PartialDate | None = None
    gender: Gender | None = None
    row_id: str = ""


@dataclass
class MatchResult:
    person_id: int | None
    ext_id: str | None
    score: float
    decision: str  # "match" | "review" | "no_match"
    explanation: str
    alternatives: list[tuple[int, float]] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)   # the explanation as data (matching/explain.py)

    def explain(self, gettext: Gettext | None = None) -> str:
        """The explanation in a reader's language (``translations(lang).gettext``); English by default."""
        return render_all(self.reasons, gettext) if gettext and self.reasons else self.explanation


def _result(person_id: int | None, ext_id: str | None, score: float, decision: str, reasons: list[Reason],
            alternatives: list[tuple[int, float]] | None = None) -> MatchResult:
    return MatchResult(person_id, ext_id, score, decision, render_all(reasons), alternatives or [], reasons)


@dataclass
class PersonRecord:
    id: int
    ext_id: str
    gender: str | None
    birth: PartialDate | None
    names: list[tuple[str, ...]]  # (full, surname, given_name, patronymic[, kind: person_names.kind])


@dataclass(frozen=True)
class Judgement:
    person_id: int
    judgement: str  # same / different / unsure
    actor: str
    at: str


def query_key(q: NameQuery) -> str:
    """The normalised form a human judgement is stored under: word order, case and ё ignored."""
    words = sorted(w.casefold().replace("ё", "е") for w in tokens(q.name))
    return (" ".join(words)[:380] + "|" + (q.birth_date.iso() if q.birth_date else ""))


@lru_cache(maxsize=100_000)
def _birth(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return parse_partial_date(text)
    except ValueError:
        return None


class Matcher:
    ALGORITHM = _ALGORITHM
    VERSION = _VERSION
    # match_many's processes (services/matching.py list_matcher sets it for a long list); a class default
    # too, for the stored matchers, which do not run this __init__
    processes = 1
    # the last QUERY_MEMOS queries by (written name, gender), whose memos a query of the same name shares
    # (_query); made on first use (the stored matchers do not run this __init__)
    _queries: dict[tuple[str, str | None], Query] | None = None
    _years: np.ndarray | None = None   # each row's birth year, 0 for none (build_lazy; _years_apart)

    def __init__(self, records: Iterable[PersonRecord], *, settings: MatchSettings = DEFAULT,
                 judgements: dict[str, list[Judgement]] | None = None):
        self.settings = settings
        self.judgements = judgements or {}
        self.ids: list[int] = []
        self.ext_ids: list[str] = []
        self.candidates_: list[Candidate] = []
        self._kin: KinIndex | None = None   # built when a row with a full birth date first asks (or with the index)
        with paused():  # millions of small objects: the cyclic collector would rescan them repeatedly
            from kartoteka.forked import fork_workers

            records = records if isinstance(records, list) else list(records)
            processes = fork_workers(len(records), minimum=FORKED_BUILD)
            if processes > 1:
                self.index = self._build_forked(records, processes)
            else:
                self.index = CandidateIndex.build(self._ingest(records))
            # The index lives as long as the matcher: take it out of the collector's generations, or every
            # full collection rescans its millions of objects (a 0.4 s pause per 100,000 persons, which a
            # web search would wait for). Refcounting still frees it when the matcher goes. Before the
            # collector is on again: its first collection would walk them all once more (0.1 s per 100,000).
            gc.freeze()
        self.row_of: dict[int, int] = dict(zip(self.ids, range(len(self.ids))))
        self._sims: dict[tuple[str, str, bool, Token], Sim] = {}   # shared by its queries (Query.sims)
        self._given_counts: dict[int, int] | None = None   # persons per given-name class (_given_share)

    def _build_forked(self, records: list[PersonRecord], processes: int) -> CandidateIndex:
        """The index built as CandidateIndex.build builds it (and the kin index, which a long list
        needs), with the persons' blocks (most of the build) shared out between this process and forked
        copies of it (kartoteka/forked.py). The name parts' tokens are made first (a few thousand distinct
        parts: the copies share them); the copies then compute blocks from the start, preparing their
        persons' names from those tokens, while this process prepares every name and makes the
        candidates, then it joins them with the names it has prepared."""
        from kartoteka.forked import fork_map

        for text in {part for rec in records for name in rec.names for part in name[1:4]}:
            prepare_part(text)
        prepared: list[list[PreparedName]] = []   # filled by this process only (the copies are forked before)

        def candidates() -> None:
            prepared.extend([prepare_name(*n) for n in rec.names] for rec in records)
            for _ in self._ingest(records, prepared):
                pass

        def blocks(rows: Sequence[int]) -> list[tuple[tuple[bytes, bytes], tuple[bytes, bytes]]]:
            names = [prepared[row] if row < len(prepared) else [prepare_name(*n) for n in records[row].names]
                     for row in rows]
            return [(block_arrays(zip(rows, names)),
                     kin_arrays((row, records[row].birth, n) for row, n in zip(rows, names)))]

        parts = fork_map(blocks, range(len(records)), processes=processes, chunk=BUILD_CHUNK, first=candidates)
        self._kin = KinIndex(self.candidates_, parts=[kin for _blocks, kin in parts])
        return CandidateIndex.from_blocks([b for b, _kin in parts], (n.surname for names in prepared for n in names))

    def _ingest(self, records: Iterable[PersonRecord], prepared: Sequence[list[PreparedName]] | None = None
                ) -> Iterable[tuple[int, list[PreparedName]]]:
        """Each record as a candidate (its names prepared, or taken from ``prepared``): (row, names)."""
        for rec in records:
            row = len(self.ids)
            names = prepared[row] if prepared is not None else [prepare_name(*n) for n in rec.names]
            self.ids.append(rec.id)
            self.ext_ids.append(rec.ext_id)
            pat = next((n.patronymic for n in names if n.patronymic is not None), None)
            self.candidates_.append(Candidate(row, rec.gender, rec.birth, names,
                                              pat if any(n.patronymic is None for n in names) else None))
            yield row, names

    @classmethod
    def from_engine(cls, engine: Engine, *, person_ids: set[int] | None = None,
                    settings: MatchSettings = DEFAULT) -> Matcher:
        """Load the registry's non-deleted persons (or only ``person_ids``) and their names."""
        with paused():   # from the read through the build: hundreds of thousands of records (see __init__)
            with engine.connect() as conn:
                # through the driver's cursor (db/bulk.py driver_iter): a million persons and 2.2 million
                # names cost about 4 us a row as SQLAlchemy's rows
                recs: dict[int, PersonRecord] = {}
                for pid, ext, gender, birth in driver_iter(
                        conn, "SELECT id, ext_id, gender, birth_date FROM persons WHERE deleted_at IS NULL ORDER BY id"):
                    if person_ids is None or pid in person_ids:
                        recs[pid] = PersonRecord(pid, ext, gender, _birth(birth), [])
                for pid, full, s, g, p, kind in driver_iter(
                        conn, 'SELECT person_id, "full", surname, given_name, patronymic, kind FROM person_names '
                        'ORDER BY id'):
                    if pid in recs:
                        recs[pid].names.append(_split_if_needed(full, s, g, p) + (sys.intern(kind or ""),))
                judgements: dict[str, list[Judgement]] = {}
                jstmt = select(match_decisions).where(match_decisions.c.other_person_id.is_(None)).order_by(
                    match_decisions.c.id)
                for r in conn.execute(jstmt).mappings():
                    judgements.setdefault(r["query_key"], []).append(
                        Judgement(r["person_id"], r["judgement"], r["actor"], str(r["at"])[:19]))
            return cls(list(recs.values()), settings=settings, judgements=judgements)   # (connection closed)

    # -- matching -------------------------------------------------------------------------------

    def prepare(self, q: NameQuery) -> Query:
        """The list name as one query (no alternatives split off)."""
        return self._query(q.name, q.birth_date, q.gender.value if q.gender else None)

    def prepare_all(self, q: NameQuery) -> list[Query]:
        """One query per alternative written in the cell ("Иванов Иван / Ivanov Ivan"), with a
        birth date written inside the cell when the list has no date column value."""
        names, inline_birth = split_written(q.name)
        birth = q.birth_date or inline_birth
        gender = q.gender.value if q.gender else None
        out = []
        for name in names:
            out.append(self._query(name, birth, gender))
        return out

    def _query(self, name: str, birth: PartialDate | None, gender: str | None) -> Query:
        """The query of a written name; a name asked again with the same gender (namesakes, rows sorted by
        name) shares the last one's memos (Query.born)."""
        memos = self._queries
        if memos is None:
            memos = self._queries = {}
        key = (name, gender)
        kept = memos.get(key)
        if kept is not None:
            return kept.born(birth)
        units = query_units(name)
        pop = population()
        real = frozenset(u.text for u in units if len(u.covers) == 1 and not u.initial
                         and (pop.is_real(u.keys) or u.keys & self.index.surname_keys))
        query = Query(name, units, sum(1 for u in units if len(u.covers) == 1), birth, gender, self._sims,
                      real_surnames=real)
        if len(memos) >= QUERY_MEMOS:
            memos.clear()   # (names asked again come one after another: rows and persons sorted by name)
        memos[key] = query
        return query

    def birth_of(self, row: int) -> PartialDate | None:
        """The row's birth date (a stored matcher may know it before it reads the person's names)."""
        return self.candidates_[row].birth

    def fetch(self, rows: list[int]) -> list[int]:
        """These rows made ready to score, in their order (a stored matcher reads them at once); those
        that are there (all of them, in memory)."""
        return rows

    def score_all(self, q: NameQuery, *, skip_other_dates: bool = False) -> list[tuple[int, Scored]]:
        """Blocked candidates, best first: (row, scored). With ``skip_other_dates``, candidates whose
        birth date contradicts the query's are not scored (their score would be capped at cap_date)."""
        return self._rank(q, skip_other_dates=skip_other_dates)[0]

    def _rank(self, q: NameQuery, *, skip_other_dates: bool, queries: list[Query] | None = None
              ) -> tuple[list[tuple[int, Scored]], list[int], bool, list[Query]]:
        """Candidates scored, best first; how many namesakes were skipped for another birth date;
        whether the row has a birth date. Exact surname keys first; surnames about one edit away
        (typos) only when that finds no match-level candidate. (``queries``: ``prepare_all(q)`` if made.)"""
        queries = queries if queries is not None else self.prepare_all(q)
        birth = queries[0].birth
        best: dict[int, Scored] = {}
        seen: set[int] = set()
        skipped: list[int] = []
        for near in (False, True):
            rows: set[int] = set()
            for query in queries:
                rows |= self._candidates(query, near)
            new = rows - seen
            seen |= new
            todo: list[int] = list(new)
            if skip_other_dates and birth:   # (a stored matcher need not read a namesake born in another year)
                todo = []
                birth_of = self.birth_of
                far, near_year = self._years_apart(new, birth)
                skipped += far
                for row in near_year:
                    other = birth_of(row)
                    if other and date_kind(birth, other) == "conflict":
                        skipped.append(row)
                    else:
                        todo.append(row)
            for row in self.fetch(todo):
                cand = self.candidates_[row]
                for query in queries:
                    scored = score_candidate(query, cand, self.settings)
                    if scored is not None and (row not in best or scored.score > best[row].score):
                        best[row] = scored
            if any(sc.score >= self.settings.match_threshold for sc in best.values()):
                break
        if birth is not None and birth.day is not None:
            self._add_kin(queries, best)
        out = sorted(best.items(), key=lambda x: (-x[1].score, self.ids[x[0]]))
        return out, skipped, birth is not None, queries

    def _years_apart(self, rows: set[int], birth: PartialDate) -> tuple[list[int], Collection[int]]:
        """(the rows born more than a year from ``birth``: date_kind says "conflict" whatever their days,
        the other rows). Read at once from the birth years (``build_lazy``): at a million persons a common
        name's block holds about a hundred namesakes, nearly all of them born in other years."""
        years = self._years
        if years is None or len(rows) < YEARS_AT_ONCE:
            return [], rows
        import numpy as np

        at = np.fromiter(rows, dtype=np.int64, count=len(rows))
        theirs = years[at]
        far = (theirs != 0) & (np.abs(theirs - birth.year) > 1)
        return at[far].tolist(), at[~far].tolist()

    @property
    def _in_memory(self) -> bool:
        """Whether the index is the in-memory one, built once and never changed, whose rows are positions
        in ``candidates_`` (a stored matcher's index reads the database, and its rows are person ids)."""
        return type(self.index) is CandidateIndex

    def _candidates(self, query: Query, near: bool) -> set[int]:
        """The rows sharing a block with the query (the in-memory index cannot change: kept per written
        name, for its namesakes' queries; a stored index reads them as it reads them)."""
        if not self._in_memory:
            return self.index.candidates(query.units, near=near)
        found = query.found.get(near)
        if found is None:
            found = query.found[near] = self.index.candidates(query.units, near=near)
        return found

    def _add_kin(self, queries: list[Query], best: dict[int, Scored]) -> None:
        """Persons whose given name, patronymic and full birth date agree, whatever the surname."""
        if self._kin is None:
            self._kin = KinIndex(self.candidates_)
        for query in queries:
            for row in self.fetch(sorted(self._kin.candidates(query))):
                scored = score_kin(query, self.candidates_[row], self.settings)
                if scored is not None and (row not in best or scored.score > best[row].score):
                    best[row] = scored

    def match(self, q: NameQuery) -> MatchResult:
        s = self.settings
        verdicts = {j.person_id: j for j in self.judgements.get(query_key(q), [])}
        for pid, j in verdicts.items():
            if j.judgement == "same" and pid in self.row_of:
                return _result(pid, self.ext_ids[self.row_of[pid]], 1.0, "match", [reason(
                    N_("confirmed by %(actor)s on %(date)s (human judgement)"), actor=j.actor, date=j.at[:10])])
        scored, skipped, has_birth, queries = self._rank(q, skip_other_dates=True)
        ranked = [(row, sc) for row, sc in scored
                  if not (self.ids[row] in verdicts and verdicts[self.ids[row]].judgement == "different")]
        alts = [(self.ids[row], sc.score) for row, sc in ranked[1:4] if sc.score >= s.review_threshold]
        if not ranked or ranked[0][1].score < s.review_threshold:
            why = [reason(N_("no registry person with a matching name"))]
            namesakes = self._namesakes(queries, skipped)
            if namesakes:
                why = [reason(N_("%(count)s registry person(s) with this name have other birth dates (namesakes)"),
                              count=str(namesakes))]
            if ranked:
                row, sc = ranked[0]
                why = [reason(N_("closest %(person)s (%(score)s):"), person=self.ext_ids[row],
                              score=f"{sc.score:.2f}")] + sc.reason_items
            return _result(None, None, ranked[0][1].score if ranked else 0.0, "no_match", why, alts)
        row, best = ranked[0]
        pid, ext = self.ids[row], self.ext_ids[row]
        items = best.reason_items
        close = [(r, sc) for r, sc in ranked[1:] if sc.score >= best.score - s.margin
                 and sc.score >= s.review_threshold]
        if pid in verdicts and verdicts[pid].judgement == "unsure":
            return _result(pid, ext, best.score, "review",
                           [reason(N_("marked unsure by %(actor)s"), actor=verdicts[pid].actor)] + items, alts)
        if close:
            others = ", ".join(f"{self.ext_ids[r]} ({sc.score:.2f})" for r, sc in close[:3])
            head = [reason(N_("close candidates %(best)s (%(score)s) and %(others)s"), best=ext,
                           score=f"{best.score:.2f}", others=others)]
            if not has_birth:
                head.append(reason(N_("only a birth date could tell them apart and the list has none")))
            return _result(pid, ext, best.score, "review", head + items, alts)
        decision = "match" if best.score >= s.match_threshold else "review"
        if decision == "match" and (common := self._common_name(q, best)) is not None:
            return _result(pid, ext, min(best.score, s.uncorroborated), "review", [common] + items, alts)
        return _result(pid, ext, best.score, decision, items, alts)

    def _namesakes(self, queries: list[Query], skipped: list[int]) -> int:
        """How many persons skipped for another birth date would have matched the name (namesakes); the
        others only shared a block (another given name, a relative) and are not namesakes."""
        count = 0
        for row in self.fetch(skipped):
            count += any(_same_name(query, name) for query in queries for name in self.candidates_[row].names)
        return count

    def _common_name(self, q: NameQuery, best: Scored) -> Reason | None:
        """A name alone (no birth date in the row, no patronymic compared) is not enough when the name is
        common in the population the registry models (data/names/surnames.yaml, given names with
        several bearers): the row goes to `review`."""
        if best.date != "missing" or best.list_birth is not None or best.name is None:
            return None
        pat = best.parts.get("patronymic")
        if pat is not None and not pat[0].initial:   # a patronymic's initial narrows little (Иванов С. О.)
            return None
        sur, given = best.parts.get("surname"), best.parts.get("given")
        if sur is None or given is None:
            return None
        # an initial stands for many given names: it is judged at the highest share one given name is given
        # (a fixed share, so a viewer's part of the registry judges it alike: services/viewer_world.py)
        share = self.settings.given_share[1] if given[0].initial else self._given_share(given[0])
        expected = self.settings.population * population().surname_share(sur[0].keys) * share
        if expected < self.settings.common_name:
            return None
        name = " ".join(f"{t.text}." if t.initial else t.text for t in (given[0], *([pat[0]] if pat else [])))
        return reason(N_("a common name: about %(count)s people in a population of %(population)s would carry "
                         "%(name)s, so without a birth date or patronymic it may be someone else"),
                      count=f"{expected:.0f}", population=str(self.settings.population),
                      name=f"{sur[0].text} {name}")

    def _given_share(self, given: Token) -> float:
        """The share of registry persons whose given name is in the class of ``given`` (clamped)."""
        counts = self._given_class_counts()
        lo, hi = self.settings.given_share
        n = max(len(self.candidates_), 1)
        share = max((counts.get(c, 0) / n for c in given.classes), default=lo)
        return min(max(share, lo), hi)

    def build_lazy(self) -> None:
        """Build what the first rows that need it would build: before forking (kartoteka/forked.py), so that
        it is built once, not in each copy."""
        self._kin = self._kin or KinIndex(self.candidates_)
        self._given_class_counts()
        if self._years is None and self._in_memory:
            import numpy as np

            self._years = np.fromiter((c.birth.year if c.birth is not None else 0 for c in self.candidates_),
                                      dtype=np.int32, count=len(self.candidates_))

    def _given_class_counts(self) -> dict[int, int]:
        """Persons per given-name class (of their first name), counted once."""
        if self._given_counts is None:
            counts: dict[int, int] = {}
            for cand in self.candidates_:
                tok = cand.names[0].given if cand.names else None
                for c in tok.classes if tok is not None else ():
                    counts[c] = counts.get(c, 0) + 1
            self._given_counts = counts
        return self._given_counts

    def shared(self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, processes: int,
               progress: Progress | None = None, chunk: int = 100) -> list[R]:
        """``kartoteka.forked.fork_map`` over this matcher: what its rows would build lazily is built first,
        once, when forked copies will share it."""
        from kartoteka.forked import fork_map

        if processes > 1:
            self.build_lazy()
        return fork_map(work, items, processes=processes, progress=progress, chunk=chunk)

    def match_many(self, qs: Sequence[NameQuery], progress: Progress | None = None) -> list[MatchResult]:
        """Every row's result, in order; by ``self.processes`` processes (forked copies of this one, which
        share the index: kartoteka/forked.py) when it is more than 1."""
        from kartoteka.forked import in_order

        def work(chunk: Sequence[NameQuery]) -> list[MatchResult]:
            return [self.match(q) for q in chunk]

        if self.processes <= 1:
            return self.shared(work, qs, processes=1, progress=progress)
        # Rows written alike next to each other: a process's chunk then shares words and comparisons, which
        # each process caches on its own (fewer made twice). The results go back to the rows' order.
        order = sorted(range(len(qs)), key=lambda i: qs[i].name.casefold())
        return in_order(order, self.shared(work, [qs[i] for i in order], processes=self.processes,
                                           progress=progress))

    def search(self, text: str, *, limit: int = 20, explain: bool = True, gettext: Gettext | None = None
               ) -> list[tuple[int, str, float, str, str]]:
        """(person_id, ext_id, score, registry name, explanation (empty unless ``explain``; in the language of
        ``gettext``, English without one)), best first."""
        out = []
        for row, sc in top(self, NameQuery(text), limit):   # scores only as many namesakes as needed
            out.append((self.ids[row], self.ext_ids[row], sc.score, sc.name.full if sc.name else "",
                        render_each(sc.reason_items, gettext) if explain else ""))
        return out

    def record(self, person_id: int) -> Candidate:
        return self.candidates_[self.row_of[person_id]]

    # -- what matching/bounded.py asks of a matcher (the stored ones read persons only when asked) --

    def person_id(self, row: int) -> int:
        return self.ids[row]

    def bare_rows(self, rows: set[int]) -> set[int]:
        """Rows with a name that has no given name (they may score above a one-word bound)."""
        return {r for r in rows if any(n.given is None for n in self.candidates_[r].names)}

    def load_rows(self, rows: list[int]) -> list[int]:
        """``rows`` (in their order) that can be scored, read first if the matcher reads lazily."""
        return rows


def _same_name(q: Query, name: PreparedName) -> bool:
    """The registry name's surname and given name both appear in the list name (same keys, or the same
    given-name class): a namesake, whatever the date."""
    if name.surname is None or name.given is None:
        return False
    for su in q.units:
        if su.keys & name.surname.keys:
            for g in q.units:
                if not set(g.covers) & set(su.covers) and (
                        g.keys & name.given.keys or g.classes & name.given.classes
                        or g.initial and g.initials & name.given.initials):
                    return True
    return False


def _split_if_needed(full: str, s: str, g: str, p: str) -> tuple[str, str, str, str]:
    if s or g:
        return (sys.intern(full), s, g, p)
    parts = split_name(full)
    return (full, parts.surname, parts.given_name, parts.patronymic)


__all__ = ["Matcher", "MatchResult", "NameQuery", "PersonRecord", "Judgement", "query_key"]
