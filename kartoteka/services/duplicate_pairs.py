"""Likely duplicates stored in the database (tables duplicate_pairs, duplicate_state) and kept current.

A full scan (services/duplicate_scan.py) scores every person once and stores the pairs with the audit
chain position they reflect (duplicate_state.seq) and the matcher settings they were scored with. It is
run by the CLI (`kartoteka duplicates`) or by a web job in a child process (web/job_tasks.py), never
inside a web request of a large registry: while it runs, it writes its progress (done, total) and a sign
of life (``beat``) to duplicate_state, so any worker can show it, and a scan whose process died (no beat
for SCAN_STALE seconds) may be started again.

After that, a call rescores only the persons audited since (an edit, an import, a merge, a delete:
db/chain.py numbers committed changes): their pairs are dropped, their own name is scored against the
stored index's candidates (matching/stored.py) and, for the other direction, the names of the persons
that share a block with them are scored against them. A pair keeps the full scan's rule: the score of
the lower id's name against the other when that reaches review, else the other way round. When more
than FULL_SHARE of the registry changed (a large import), the full scan is cheaper and is needed again.
"""

from __future__ import annotations

import hashlib
import json
import time
from itertools import starmap
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection, Engine, Select, and_, bindparam, delete, func, insert, or_, select, update

from kartoteka.collector import paused, relaxed
from kartoteka.db.bulk import driver_rows, insert_rows, vacuum_analyze
from kartoteka.db.tables import duplicate_pairs, duplicate_state, match_decisions, persons
from kartoteka.domain.person import Gender
from kartoteka.matching.config import ALGORITHM, VERSION, MatchSettings
from kartoteka.matching.engine import NameQuery
from kartoteka.matching.explain import dumps, render_each
from kartoteka.matching.index import ANY
from kartoteka.matching.kin import score_kin
from kartoteka.matching.scorer import Query, Scored, date_kind, score_candidate
from kartoteka.matching.stored import BLOCK_LIMIT, StoredIndex, StoredMatcher
from kartoteka.matching.stored_keys import person_kin, person_pairs, stable_hash
from kartoteka.matching.tokens import query_units
from kartoteka.services.name_index import changed_head, changed_persons, sync_name_index

if TYPE_CHECKING:
    from kartoteka.services.matching import DuplicatePair

Pairs = dict[tuple[int, int], "DuplicatePair"]
T = TypeVar("T")
Progress = Callable[[int, int], None]
FULL_SHARE = 0.05    # more changed persons than this share of the registry: score everything again
SCAN_STALE = 120.0   # seconds without a sign of life after which a scan is taken for dead
BEAT_EVERY = 2.0     # seconds between a running scan's writes of its progress


class ScanNeeded(Exception):
    """The stored pairs cannot be brought up to date by rescoring a few persons: a full scan is needed."""


@dataclass(frozen=True)
class ScanStatus:
    """What a reader of the pairs is told: ``ready`` (stored pairs, current or a quick update away),
    ``running`` (a full scan under way: done of total), ``needed`` (none yet, or too much changed)."""
    state: str
    done: int = 0
    total: int = 0
    started: float | None = None   # epoch seconds
    error: str = ""                # the last full scan's failure, if it failed

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def minutes_left(self) -> int | None:
        """The estimate in whole minutes, rounded up (0: less than a minute); None before anything is done."""
        if self.state != "running" or not self.total or self.done <= 0 or self.started is None:
            return None
        left = max(0.0, (time.time() - self.started) * (self.total - self.done) / self.done)
        return (int(left) + 59) // 60 if left >= 60 else 0


def settings_key(settings: MatchSettings) -> str:
    """The matcher and settings the pairs were scored with (other settings: the stored pairs do not count)."""
    text = json.dumps([ALGORITHM, VERSION, settings.as_dict()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _state(conn: Connection) -> dict[str, object]:
    row = conn.execute(select(duplicate_state).where(duplicate_state.c.id == 1)).mappings().first()
    if row is None:
        return {"seq": -1, "settings": "", "beat": None, "done": 0, "total": 0, "started": None, "error": None}
    return dict(row)


def _registry_size(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(persons)).scalar_one())


def _usable(conn: Connection, state: dict[str, object], key: str, head: int) -> set[int] | None:
    """The persons to rescore to bring the stored pairs to ``head``; None when a full scan is needed."""
    seq = cast(int, state["seq"])
    if state["settings"] != key or seq < 0:
        return None
    if seq >= head:
        return set()
    changed = changed_persons(conn, seq, head)
    return changed if len(changed) <= max(50, _registry_size(conn) * FULL_SHARE) else None


def scan_status(engine: Engine, settings: MatchSettings) -> ScanStatus:
    """Whether the stored pairs can be read now, or a full scan runs or is needed."""
    with engine.connect() as conn:
        state = _state(conn)
        usable = _usable(conn, state, settings_key(settings), changed_head(conn))
    beat = cast(float | None, state["beat"])
    if beat is not None and time.time() - beat < SCAN_STALE:
        if usable is None:
            return ScanStatus("running", cast(int, state["done"]), cast(int, state["total"]),
                              cast(float | None, state["started"]))
    return ScanStatus("needed" if usable is None else "ready", started=cast(float | None, state["started"]),
                      error=cast(str | None, state["error"]) or "")


def registry_size(engine: Engine) -> int:
    """Person records (deleted ones too, as the share of changed persons counts them)."""
    with engine.connect() as conn:
        return _registry_size(conn)


def claim_scan(engine: Engine) -> bool:
    """Mark a full scan as started, unless one is running (a sign of life within SCAN_STALE); whether
    the caller is now the one to run it (two workers asking at once start one scan)."""
    now = time.time()
    with engine.begin() as conn:
        if conn.execute(select(duplicate_state.c.id).where(duplicate_state.c.id == 1)).first() is None:
            conn.execute(insert(duplicate_state).values(id=1, seq=-1, settings="", done=0, total=0))
        claimed = conn.execute(update(duplicate_state).where(
            duplicate_state.c.id == 1, or_(duplicate_state.c.beat.is_(None), duplicate_state.c.beat < now - SCAN_STALE))
            .values(beat=now, started=now, done=0, total=0, error=None))
        return claimed.rowcount == 1


def run_scan(engine: Engine, settings: MatchSettings, scan: Callable[[Progress], list[DuplicatePair]],
             progress: Progress | None = None) -> list[DuplicatePair]:
    """Score every person (``scan``) and store the pairs; the progress goes to duplicate_state too (every
    BEAT_EVERY seconds), a failure into its ``error``. The caller has claimed the scan, or runs it anyway
    (the CLI)."""
    with engine.connect() as conn:
        head = changed_head(conn)
    last = 0.0

    def beat(done: int, total: int) -> None:
        nonlocal last
        if progress is not None:
            progress(done, total)
        if time.time() - last >= BEAT_EVERY or done == total:
            last = time.time()
            with engine.begin() as conn:
                conn.execute(update(duplicate_state).where(duplicate_state.c.id == 1).values(
                    beat=last, done=done, total=total))

    claim_scan(engine)   # the state row exists, and a CLI scan shows in the web's status too
    try:
        pairs = scan(beat)
    except BaseException as exc:
        with engine.begin() as conn:
            conn.execute(update(duplicate_state).where(duplicate_state.c.id == 1).values(
                beat=None, error=f"{exc.__class__.__name__}: {exc}"[:500]))
        raise
    with engine.begin() as conn:
        conn.execute(delete(duplicate_pairs))
        _insert(conn, pairs)
        conn.execute(update(duplicate_state).where(duplicate_state.c.id == 1).values(
            seq=head, settings=settings_key(settings), beat=None, error=None))
    # PostgreSQL: the pairs replaced leave as many dead rows, which nothing else clears when autovacuum is
    # off (every full scan grew the table and its index by the registry's pairs), and readers would set
    # the new rows' hint bits
    vacuum_analyze(engine, "duplicate_pairs")
    return pairs


def _insert(conn: Connection, pairs: list[DuplicatePair]) -> None:
    insert_rows(conn, duplicate_pairs, [{"person_id": p.person_id, "other_person_id": p.other_person_id,
                                         "score": p.score, "explanation": p.explanation, "ext_id": p.ext_id,
                                         "other_ext_id": p.other_ext_id, "reasons": p.reasons} for p in pairs])


def stored_pairs(engine: Engine, settings: MatchSettings, *, reasons: bool = False
                 ) -> tuple[list[DuplicatePair], str]:
    """The stored pairs, best first, brought up to date: "cached" when nothing changed, "incremental (N
    persons)" after rescoring the persons changed since; ScanNeeded when a full scan is needed. Their
    explanations as data (``reasons``, to show them in another language than English) only when asked:
    at a million persons they are most of what the pairs weigh."""
    return _current(engine, settings, _read_with_reasons if reasons else _read)


def best_pairs(engine: Engine, settings: MatchSettings, *, sensitivities: Collection[str], limit: int
               ) -> tuple[list[DuplicatePair], str]:
    """The best ``limit`` stored pairs (as ``stored_pairs`` brings them up to date) of two live persons of
    ``sensitivities``, without the pairs a human judged different: read in that order from the pairs'
    index, so a page costs its own rows, not the registry's ~190,000 pairs at a million persons."""
    def read(conn: Connection) -> list[DuplicatePair]:
        return _pairs(conn.execute(_best_visible(sorted(sensitivities)), {"limit": max(1, limit)}))
    return _current(engine, settings, read)


def _best_visible(sensitivities: list[str]) -> Select[int, str, int, str, float, str, str]:
    d, md = duplicate_pairs.c, match_decisions.c
    first, second = persons.alias("first"), persons.alias("second")
    different = select(md.id).where(md.other_person_id.is_not(None), md.judgement == "different", or_(
        and_(md.person_id == d.person_id, md.other_person_id == d.other_person_id),
        and_(md.person_id == d.other_person_id, md.other_person_id == d.person_id)))
    return (select(d.person_id, d.ext_id, d.other_person_id, d.other_ext_id, d.score, d.explanation, d.reasons)
            .join(first, first.c.id == d.person_id).join(second, second.c.id == d.other_person_id)
            .where(first.c.deleted_at.is_(None), second.c.deleted_at.is_(None),
                   first.c.sensitivity.in_(sensitivities), second.c.sensitivity.in_(sensitivities),
                   ~different.exists())
            .order_by(d.score.desc(), d.person_id, d.other_person_id).limit(bindparam("limit")))


def _current(engine: Engine, settings: MatchSettings, read: Callable[[Connection], T]) -> tuple[T, str]:
    """``read`` of the stored pairs brought up to date (``stored_pairs``), in the transaction that did."""
    key = settings_key(settings)
    for _ in range(3):   # another process may move the pairs meanwhile: then read its result
        with engine.connect() as conn:
            head = changed_head(conn)
            state = _state(conn)
            changed = _usable(conn, state, key, head)
            if changed is None:
                raise ScanNeeded()
            if not changed:
                return read(conn), "cached"
        sync_name_index(engine)
        # the caller may still hold the pairs read before (186,000 at a million persons): each full collection
        # walked them, a third of the rescoring (100 collections, 0.3-0.5 s of 1.2-1.5 s after one edit)
        with engine.connect() as conn, relaxed():
            new = _rescore(conn, settings, changed)
        with engine.begin() as conn:
            moved = conn.execute(update(duplicate_state).where(
                duplicate_state.c.id == 1, duplicate_state.c.seq == state["seq"],
                duplicate_state.c.settings == key).values(seq=head))
            if moved.rowcount != 1:
                continue
            ids = sorted(changed)
            for i in range(0, len(ids), 500):   # the changed persons' pairs: scored again above
                part = ids[i:i + 500]
                conn.execute(delete(duplicate_pairs).where(or_(duplicate_pairs.c.person_id.in_(part),
                                                               duplicate_pairs.c.other_person_id.in_(part))))
            _insert(conn, list(new.values()))
            pairs = read(conn)
        return pairs, f"incremental ({len(changed)} persons)"
    raise ScanNeeded()


_ORDER = " ORDER BY score DESC, person_id, other_person_id"
_ALL = "SELECT person_id, ext_id, other_person_id, other_ext_id, score, explanation, '' FROM duplicate_pairs" + _ORDER
_ALL_WITH_REASONS = ("SELECT person_id, ext_id, other_person_id, other_ext_id, score, explanation, reasons "
                     "FROM duplicate_pairs" + _ORDER)


def _read_with_reasons(conn: Connection) -> list[DuplicatePair]:
    return _read(conn, _ALL_WITH_REASONS)


def _read(conn: Connection, sql: str = _ALL) -> list[DuplicatePair]:
    """Every stored pair, best first (score, then the ids), read through the driver's cursor in the rank
    index's order: 186,000 pairs at a million persons took 1.2-1.6 s through SQLAlchemy's rows, 0.40 s so
    on SQLite (the same as reading them in the table's order, without the 0.09 s of sorting them here)."""
    with paused():   # (hundreds of thousands of objects that live on and hold no cycles)
        return _pairs(driver_rows(conn, sql))


def _pairs(rows: Iterable[Sequence[Any]]) -> list[DuplicatePair]:
    """(person, ext id, other person, its ext id, score, explanation, reasons) rows as pairs."""
    from kartoteka.services.matching import DuplicatePair

    rows = rows if isinstance(rows, list) else list(rows)
    if all(type(r[4]) is float for r in rows):   # (both drivers give a float column's floats: 10 ms for 186,000)
        return list(starmap(DuplicatePair, rows))
    return [DuplicatePair(a, ea, b, eb, float(score), why, reasons) for a, ea, b, eb, score, why, reasons in rows]


def _rescore(conn: Connection, settings: MatchSettings, changed: set[int]) -> Pairs:
    """The pairs of the changed persons, scored through the stored index on ``conn``."""
    from kartoteka.services.matching import DuplicatePair

    pairs: Pairs = {}
    threshold = settings.review_threshold
    skip = settings.cap_date < threshold   # as the full scan
    m = StoredMatcher(conn, settings=settings)
    scores: dict[int, dict[int, Scored]] = {}
    queries: dict[int, list[Query]] = {}

    def query_of(pid: int) -> NameQuery | None:   # the person's name as the full scan queries it
        if pid not in m.row_of or not m.record(pid).names:
            return None
        cand = m.record(pid)
        return NameQuery(cand.names[0].full, cand.birth, Gender(cand.gender) if cand.gender in ("m", "f") else None)

    def scores_of(pid: int) -> dict[int, Scored]:
        if pid not in scores:
            q = query_of(pid)
            scores[pid] = {} if q is None else {m.ids[row]: sc for row, sc in m.score_all(q, skip_other_dates=skip)
                                                if m.ids[row] != pid}
        return scores[pid]

    def bound(pid: int, other: int) -> float:
        """The most ``pid``'s ranking (``scores_of``) can give ``other``: its best query's score_candidate,
        or score_kin (the ranking scores each candidate so). One comparison, instead of ranking every
        namesake of a namesake (at 1M persons, one edit of a common name ranked thousands of persons).
        A namesake whose birth date contradicts is skipped by the ranking (``skip``) before its name is
        prepared: most of a common name's block are such namesakes."""
        if skip and pid in m.row_of and other in m.row_of:
            birth, other_birth = m.record(pid).birth, m.record(other).birth
            if birth and other_birth and date_kind(birth, other_birth) == "conflict":
                return 0.0
        if pid not in queries:
            q = query_of(pid)
            queries[pid] = [] if q is None else m.prepare_all(q)
        if not queries[pid] or other not in m.row_of:
            return 0.0
        cand = m.record(other)
        found = [sc.score for query in queries[pid]
                 for sc in (score_candidate(query, cand, settings), score_kin(query, cand, settings)) if sc is not None]
        return max(found, default=0.0)

    def score_in(pid: int, other: int) -> Scored | None:
        """``scores_of(pid).get(other)`` where it may reach the threshold; None where it cannot."""
        if pid not in scores and bound(pid, other) < threshold:
            return None
        return scores_of(pid).get(other)

    done: set[tuple[int, int]] = set()
    for c in sorted(changed):
        if c not in m.row_of:
            continue   # deleted: its pairs are gone
        cand = m.record(c)
        blocks = {stable_hash(p) for p in person_pairs(cand.names) if p[-1] != ANY}
        blocks |= {stable_hash(p) for p in person_kin(cand.birth, cand.names)}
        others = set(scores_of(c))
        for ids in cast(StoredIndex, m.index).block_persons(blocks, BLOCK_LIMIT).values():
            others.update(ids)
        if cand.names:   # names about one edit away (typos) find each other in both directions
            others |= m.index.candidates(query_units(cand.names[0].full), near=True)
        m.load_rows(sorted(others))   # read at once (``bound`` compares with each)
        # which of their names' keys are registry surnames (``bound`` prepares their names): asked at once
        cast(StoredIndex, m.index).existing({k for x in others if x in m.row_of and m.record(x).names
                                             for u in query_units(m.record(x).names[0].full) for k in u.keys})
        for x in sorted(others - {c}):
            a, b = min(c, x), max(c, x)
            if (a, b) in done:
                continue
            done.add((a, b))
            # as the full scan keeps a pair: the first of the two (in id order) whose ranking scores the
            # other at the threshold
            forward = score_in(a, b)
            if forward is not None and forward.score >= threshold:
                best = forward
            else:
                backward = score_in(b, a)
                if backward is None or backward.score < threshold:
                    continue
                best = backward
            items = best.reason_items
            pairs[(a, b)] = DuplicatePair(a, m.ext_ids[a], b, m.ext_ids[b], best.score, render_each(items),
                                          dumps(items))
    return pairs
