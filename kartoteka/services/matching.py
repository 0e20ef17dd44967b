"""Matching use cases: match a list file, search persons by name, find registry duplicates, and
store human judgements that override the scorer from then on."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, select

from kartoteka.collector import relaxed
from kartoteka.db import audit
from kartoteka.db.tables import match_decisions, persons
from kartoteka.domain.person import Gender
from kartoteka.errors import N_, InvalidInput, no_record, translate
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.services.generation import registry_generation, registry_size
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery
from kartoteka.matching.engine import query_key as _query_key
from kartoteka.matching.explain import Gettext, dumps, loads, render_each
from kartoteka.matching.stored import StoredMatcher
from kartoteka.matching.stored_cache import search_matcher
from kartoteka.services.name_index import Head, sync_name_index, synced_head

if TYPE_CHECKING:
    from kartoteka.services.duplicate_pairs import ScanStatus

JUDGEMENTS = ("same", "different", "unsure")
OUT_COLUMNS = ["id", "person_id", "score", "decision", "explanation"]
Progress = Callable[[int, int], None]


def query_key(q: NameQuery) -> str:
    return _query_key(q)


_MATCHERS: dict[str, tuple[tuple[object, ...], Matcher]] = {}


def load_matcher(engine: Engine, *, settings: MatchSettings = DEFAULT) -> Matcher:
    """The registry's matcher, rebuilt only when the registry changed since the last call in this
    process (searches from the web app reuse it). Every record change writes an audit entry and
    every judgement a match decision, so their newest ids tell (two index look-ups, not scans)."""
    fingerprint: tuple[object, ...] = (*registry_generation(engine), settings)
    key = engine.url.render_as_string(hide_password=False)
    cached = _MATCHERS.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    matcher = Matcher.from_engine(engine, settings=settings)
    _MATCHERS[key] = (fingerprint, matcher)
    return matcher


@dataclass
class ListRow:
    row_no: int
    list_id: str
    query: NameQuery
    notes: tuple[str, ...] = ()   # what in the row could not be read, each a Message (kartoteka.errors)


@dataclass
class ListMatch:
    row: ListRow
    result: MatchResult

    def record(self, gettext: Gettext | None = None) -> dict[str, object]:
        """The output row; its explanation, with the row's notes, in the language of ``gettext`` (English
        without one)."""
        r = self.result
        notes = [translate(n, gettext) if gettext else n for n in self.row.notes]
        explanation = "; ".join(t for t in [r.explain(gettext), *notes] if t)
        return {"id": self.row.list_id, "person_id": r.ext_id if r.decision != "no_match" else "",
                "score": round(r.score, 4), "decision": r.decision, "explanation": explanation}




def read_list(path: Path, *, mapping: dict[str, str] | None = None) -> list[ListRow]:
    """A list file's rows as queries: any list format (CSV, XLSX, JSON Lines, DOCX tables, PDF text,
    plain text), read by kartoteka.services.lists; unreadable dates or genders are noted, not fatal."""
    from kartoteka.services import lists   # here, as the pool below: a search needs neither (start-up time)
    from kartoteka.tabular.documents import open_list

    listing = lists.read_list(open_list(path), mapping)
    return [ListRow(e.row_no, e.id, NameQuery(e.name, e.birth, e.gender, e.id), e.notes)
            for e in listing.entries]


ALWAYS_STORED = 50   # up to this many rows, the stored index whatever the registry's size
# the cost model that picks between them (seconds, measured on the 2-core machine at 100k persons under
# load): a list row through the stored index, a chunk of rows at a time (matching/stored_list.py, candidates
# loaded as found), a registry person loaded into memory, a list row in memory; starting a pool of processes
# (services/match_pool.py: rows through the index go to every core), whose processes each load the
# candidates they find and keep their own caches (1.4x the work, shared by the processes)
STORED_ROW_S, LOAD_PERSON_S, MEMORY_ROW_S, POOL_START_S, POOL_WORK = 0.0035, 0.00007, 0.002, 1.0, 1.4


def candidates_path(engine: Engine, rows: int) -> str:
    """How ``rows`` list names find their candidates: "index" (the stored index: indexed look-ups, only
    the candidates loaded; a long list by several processes) or "registry" (the whole registry loaded
    into memory once), whichever the cost model says is faster; a short list always takes the index."""
    if rows <= ALWAYS_STORED:
        return "index"
    with engine.connect() as conn:
        size = registry_size(conn)
    from kartoteka.forked import fork_workers
    from kartoteka.services.match_pool import forks_for, pool_size

    processes = pool_size(engine, rows)   # spawned (each starts in about a second), or else forked
    forks = 1 if processes else forks_for(engine, rows)
    index = rows * STORED_ROW_S * POOL_WORK / processes + POOL_START_S if processes else \
        rows * STORED_ROW_S * (POOL_WORK / forks if forks > 1 else 1.0)
    memory = size * LOAD_PERSON_S + rows * MEMORY_ROW_S / fork_workers(rows)   # its rows scored by every core
    return "index" if index <= memory else "registry"


@contextmanager
def list_matcher(engine: Engine, rows: int, *, settings: MatchSettings = DEFAULT,
                 on_path: Callable[[str], None] | None = None) -> Iterator[Matcher]:
    """The matcher for a list of ``rows`` names, on the path :func:`candidates_path` picks (``on_path`` is
    told which): a ListMatcher on a read connection of its own, open while the block runs (its
    ``match_many`` reads a chunk of rows' candidates at once, and a long list goes to a pool of processes:
    services/match_pool.py), or the registry loaded into memory (not kept: a long-lived process stays
    small)."""
    path = candidates_path(engine, rows)
    if on_path:
        on_path(path)
    if path == "registry":
        from kartoteka.forked import fork_workers

        matcher = Matcher.from_engine(engine, settings=settings)
        matcher.processes = fork_workers(rows)   # the rows scored by every core (kartoteka/forked.py)
        yield matcher
        return
    sync_name_index(engine)
    with engine.connect() as conn:
        from kartoteka.services.match_pool import PooledMatcher, pool_size

        yield PooledMatcher(conn, engine, processes=pool_size(engine, rows), settings=settings)


def match_list(engine: Engine, *, path: Path, mapping: dict[str, str] | None = None,
               progress: Progress | None = None, settings: MatchSettings = DEFAULT,
               on_path: Callable[[str], None] | None = None) -> list[ListMatch]:
    """Match a list file. Short lists look their candidates up in the stored index (path "index");
    long ones load the whole registry once into memory when that is faster (path "registry":
    :func:`candidates_path`); ``on_path`` is told which."""
    rows = read_list(path, mapping=mapping)
    queries = [r.query for r in rows]
    with relaxed(), list_matcher(engine, len(rows), settings=settings, on_path=on_path) as matcher:
        results = matcher.match_many(queries, progress=progress)
    return [ListMatch(r, res) for r, res in zip(rows, results)]


def write_matches(matches: list[ListMatch], out: Path, *, fmt: str = "csv", gettext: Gettext | None = None
                  ) -> None:
    """One output row per list row: id, person_id, score, decision, explanation (CSV or JSON); the
    explanations in the language of ``gettext`` (English without one), the columns' names as they are."""
    from kartoteka.services.files import output_file, private_file

    if fmt not in ("csv", "json"):
        raise InvalidInput.of(N_("unknown format '%(fmt)s' (use csv or json)"), fmt=fmt)
    private_file(output_file(out))
    records = [m.record(gettext) for m in matches]
    if fmt == "json":
        out.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, OUT_COLUMNS)
        writer.writeheader()
        writer.writerows(records)


@dataclass
class SearchHit:
    person_id: int
    ext_id: str
    name: str
    score: float
    explanation: str


def search_persons(engine: Engine, *, text: str, limit: int = 20, transliterate: bool = True,
                   explain: bool = True, sensitivities: Collection[str] | None = None,
                   gettext: Gettext | None = None) -> list[SearchHit]:
    """Persons whose names match ``text`` (any script, any order), best first. With
    ``transliterate=False`` only names containing the text as written are returned; without
    ``explain`` the hits carry no explanation (cheaper when nobody reads it). For a reader who may see
    only some ``sensitivities``, the matcher is that of the registry restricted to them (its given-name
    shares and surnames counted over the visible persons only, so no score tells of a hidden person, and
    no hidden person is a hit). The explanations are in the language of ``gettext`` (English without one)."""
    if not text.strip():
        raise InvalidInput.of(N_("search needs a name"))
    with engine.connect() as conn:
        return search_on(conn, synced_head(conn), text=text, limit=limit, transliterate=transliterate,
                         explain=explain, sensitivities=sensitivities, gettext=gettext)


def search_on(conn: Connection, head: Head, *, text: str, limit: int = 20, transliterate: bool = True,
              explain: bool = True, sensitivities: Collection[str] | None = None,
              gettext: Gettext | None = None) -> list[SearchHit]:
    """:func:`search_persons` on ``conn``, which read ``head`` (``synced_head``) before anything else."""
    wanted = limit * 3 if not transliterate else limit
    # the stored index, with what this process's searches read from it while nothing changed
    # (matching/stored_cache.py): every committed edit is seen, and only the persons changed are read again
    matcher = search_matcher(conn, head.seq, head.hash, sensitivities=sensitivities) if head.current \
        else StoredMatcher(conn, sensitivities=sensitivities)
    hits = [SearchHit(pid, ext, name, score, why) for pid, ext, score, name, why in
            matcher.search(text, limit=wanted, explain=explain, gettext=gettext)][:wanted]
    if not transliterate:
        needle = text.casefold()
        hits = [h for h in hits if any(needle in n.full.casefold() for n in matcher.record(h.person_id).names)]
    return hits[:limit]


@dataclass(slots=True)   # (186,000 of them are read back at a million persons)
class DuplicatePair:
    person_id: int
    ext_id: str
    other_person_id: int
    other_ext_id: str
    score: float
    explanation: str     # in English
    # the same as data (matching/explain.py dumps): "" for pairs stored before 0028 and for pairs read back
    # without them (duplicate_pairs.stored_pairs); not part of a pair's equality
    reasons: str = field(default="", compare=False)

    def explain(self, gettext: Gettext | None = None) -> str:
        """The explanation in the language of ``gettext`` (English without one, or for a pair without reasons)."""
        return render_each(loads(self.reasons), gettext) if gettext is not None and self.reasons \
            else self.explanation

    def record(self, gettext: Gettext | None = None) -> dict[str, object]:
        """The pair as JSON: the persons' ids, the score and the explanation in the language of ``gettext``."""
        return {"person_id": self.person_id, "ext_id": self.ext_id, "other_person_id": self.other_person_id,
                "other_ext_id": self.other_ext_id, "score": self.score, "explanation": self.explain(gettext)}


DUPLICATE_COLUMNS = ["id", "other_id", "score", "explanation"]


def write_duplicates(pairs: list[DuplicatePair], out: Path, *, gettext: Gettext | None = None) -> int:
    """The pairs as CSV (UTF-8): id, other_id, score, explanation (in the language of ``gettext``, English
    without one); spreadsheet formulas neutralised."""
    from kartoteka.services.files import output_file, private_file
    from kartoteka.tabular.cells import neutralise

    private_file(output_file(out))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(DUPLICATE_COLUMNS)
        for p in pairs:
            writer.writerow([neutralise(p.ext_id), neutralise(p.other_ext_id), f"{p.score:.3f}",
                             neutralise(p.explain(gettext))])
    return len(pairs)


def duplicate_status(engine: Engine, *, settings: MatchSettings = DEFAULT) -> ScanStatus:
    """Whether the stored pairs can be read now (``ready``), or a full scan runs (with its progress) or is
    needed (services/duplicate_pairs.py)."""
    from kartoteka.services.duplicate_pairs import scan_status
    return scan_status(engine, settings)


def find_duplicates(engine: Engine, *, settings: MatchSettings = DEFAULT,
                    progress: Progress | None = None, on_path: Callable[[str], None] | None = None,
                    scan: bool = True, full: bool = False, reasons: bool = False) -> list[DuplicatePair]:
    """Pairs of registry persons that are likely the same person, best first. Pairs a human judged
    `different` are left out. The pairs are stored: a call rescores only the persons changed since
    (services/duplicate_pairs.py; ``on_path`` is told "cached", "incremental (N persons)" or "full").
    When a full scan is needed it runs here, or, with ``scan=False``, ScanNeeded is raised (a web
    request: the scan runs as a job); ``full`` scores everything again. Judgements do not change the pairs:
    they are applied on every call. With ``reasons`` the pairs read back carry their explanations as data
    (``DuplicatePair.explain`` in another language than English)."""
    from kartoteka.services.duplicate_pairs import ScanNeeded, run_scan, stored_pairs

    with engine.connect() as conn:
        judged = {(min(r.person_id, r.other_person_id), max(r.person_id, r.other_person_id)) for r in conn.execute(
            select(match_decisions.c.person_id, match_decisions.c.other_person_id).where(
                match_decisions.c.other_person_id.is_not(None), match_decisions.c.judgement == "different"))}
    try:
        if full:
            raise ScanNeeded()
        pairs, path = stored_pairs(engine, settings, reasons=reasons)
    except ScanNeeded:
        if not scan:
            raise
        pairs, path = run_scan(engine, settings, lambda beat: _all_pairs(engine, settings, beat), progress), "full"
    if on_path:
        on_path(path)
    return [p for p in pairs if (p.person_id, p.other_person_id) not in judged]


def _all_pairs(engine: Engine, settings: MatchSettings, progress: Progress | None) -> list[DuplicatePair]:
    # not load_matcher: the registry in memory is not kept once the pairs are scored (a web worker's
    # job runs this, and the later calls rescore through the stored index)
    with relaxed():   # scoring every person makes millions of short-lived objects
        return _scan(Matcher.from_engine(engine, settings=settings), settings, progress)


def _scan(matcher: Matcher, settings: MatchSettings, progress: Progress | None) -> list[DuplicatePair]:
    """Every person's name matched against the others, by every core (kartoteka/forked.py); a pair is
    kept once, as the first of its two persons (in id order) found it."""
    from kartoteka.forked import fork_workers, in_order

    skip = settings.cap_date < settings.review_threshold   # other birth dates could never make a pair

    def found(pids: Sequence[int]) -> list[list[tuple[int, float, str, str]]]:
        out: list[list[tuple[int, float, str, str]]] = []
        for pid in pids:
            cand = matcher.record(pid)
            gender = Gender(cand.gender) if cand.gender in ("m", "f") else None
            out.append([] if not cand.names else [
                (matcher.ids[row], sc.score, render_each(items), dumps(items)) for row, sc, items in
                ((row, sc, sc.reason_items) for row, sc in
                matcher.score_all(NameQuery(cand.names[0].full, cand.birth, gender), skip_other_dates=skip)
                 if matcher.ids[row] != pid and sc.score >= settings.review_threshold)])
        return out

    def written(pid: int) -> tuple[str, str]:
        cand = matcher.record(pid)
        return (cand.names[0].full if cand.names else "", cand.gender or "")

    # Persons in the order of their written names: namesakes one after another make a name's query,
    # candidates and alignments once (Matcher._query), and the names of one surname come together, so the
    # part comparisons and blocks the matcher keeps in bounded caches are found again instead of made again
    # (a million persons in id order: 976 s of CPU; in this order 540 s). The results go back to id order.
    ids = matcher.ids
    keys = [written(pid) for pid in ids]
    order = sorted(range(len(ids)), key=keys.__getitem__)
    per_person = in_order(order, matcher.shared(found, [ids[i] for i in order], processes=fork_workers(len(ids)),
                                                progress=progress, chunk=max(20, min(500, len(ids) // 64))))
    seen: set[tuple[int, int]] = set()
    pairs: list[DuplicatePair] = []
    for pid, others in zip(matcher.ids, per_person):
        for other, score, why, reasons in others:
            pair = (min(pid, other), max(pid, other))
            if pair in seen:
                continue
            seen.add(pair)
            pairs.append(DuplicatePair(pair[0], matcher.ext_ids[matcher.row_of[pair[0]]], pair[1],
                                       matcher.ext_ids[matcher.row_of[pair[1]]], score, why, reasons))
    pairs.sort(key=lambda d: (-d.score, d.person_id, d.other_person_id))
    return pairs


def record_judgement(engine: Engine, *, query_key: str, person_id: int, judgement: str, actor: str,
                     run_id: int | None = None, other_person_id: int | None = None,
                     score: float | None = None) -> int:
    """Store a human judgement (same / different / unsure) on a list name or a registry pair. It
    overrides the scorer from then on; the algorithm's name and version are recorded with it."""
    if judgement not in JUDGEMENTS:
        raise InvalidInput.of(N_("'%(judgement)s' is not a judgement (use %(choices)s)"), judgement=judgement,
                              choices=", ".join(JUDGEMENTS))
    if not query_key.strip():
        raise InvalidInput.of(N_("a judgement needs the list name it is about"))
    with engine.begin() as conn:
        for pid in (person_id, other_person_id):
            if pid is not None and conn.execute(select(persons.c.id).where(persons.c.id == pid)).first() is None:
                raise no_record("person", pid)
        result = conn.execute(insert(match_decisions).values(
            query_key=query_key[:400], person_id=person_id, other_person_id=other_person_id,
            judgement=judgement, actor=actor, at=audit.now(), algorithm=Matcher.ALGORITHM,
            algorithm_version=Matcher.VERSION, score=score, run_id=run_id))
        key = result.inserted_primary_key
        assert key is not None
        audit.log_event(conn, entity="match_decision", entity_id=int(key[0]), action="judge", actor=actor,
                        after={"query_key": query_key[:400], "person_id": person_id,
                               "other_person_id": other_person_id, "judgement": judgement, "run_id": run_id})
        return int(key[0])


def judgement_history(engine: Engine, *, query_key: str) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(match_decisions).where(
            match_decisions.c.query_key == query_key).order_by(match_decisions.c.id)).mappings()]


__all__ = ["candidates_path", "list_matcher", "load_matcher", "ListMatch", "ListRow", "SearchHit", "DuplicatePair", "match_list", "read_list", "write_matches",
           "search_persons", "search_on", "find_duplicates", "record_judgement", "judgement_history", "query_key"]
