"""What a process's searches keep of the stored index from one search to the next.

A ``StoredMatcher`` reads what it needs from the database and forgets it with the search, so a web
worker would read and prepare the same namesakes search after search. ``SearchCache`` (one per
engine) keeps:

* prepared persons (their Candidate, ext id and sensitivity) by id;
* the stored blocks searches read (person ids per key), which surname keys some person carries, and
  the registry's near spellings of surnames;
* part comparisons (``Query.sims``: they depend only on the two tokens and the settings).

Everything is valid at a position of the audit chain (``audit_head.changed_seq``, with that entry's
hash), which a search reads before anything else (services/name_index.py ``synced_head``: the keys
are current up to it). When the position has moved, the persons audited since are dropped, and if
there were any, the blocks, surnames and variants too (an edit can change any block); changes to other
records (cases, users, assessments) keep everything. A search that read an older position than the
cache's uses none of it, and what a search read while the cache moved on is not kept. When the
chain's hash at the cache's position differs (a restored backup, a recreated database), everything
goes. Each part is bounded; a production worker keeps at most some tens of MB.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Generic, NamedTuple, TypeVar, cast

from sqlalchemy import Connection, Engine

from kartoteka.db.bulk import driver_rows, in_values, mark
from kartoteka.matching.compare import Sim
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.matching.engine import Matcher, PersonRecord, _birth
from kartoteka.matching.records import chunks, name_rows
from kartoteka.matching.scorer import Candidate
from kartoteka.matching.stored import StoredIndex, StoredKin, StoredMatcher
from kartoteka.matching.tokens import Token

# bounds (a web worker's caches stay near 60 MB; measured on the synthetic 100k registry)
PERSONS_MAX = 20_000        # prepared persons kept (about 2 KB each with their names)
BLOCK_IDS_MAX = 200_000     # person ids kept in blocks
LOOKUPS_MAX = 100_000       # surname keys and variants kept
SIMS_MAX = 50_000           # part comparisons kept (scorer.SIMS_MAX bounds one search's)
RESET_AFTER = 20_000        # chain entries since the cache's position above which it starts afresh
BEHIND_MAX = 100            # searches in a row that read an older position than the cache's: it starts afresh

SensKey = tuple[str, ...] | None


class Person(NamedTuple):
    ext_id: str
    sensitivity: str
    candidate: Candidate


@dataclass(eq=False)
class Epoch:
    """A stretch of the chain in which no person changed: what was read in it stays true through it."""
    head: int
    hash: str | None
    blocks: dict[tuple[SensKey, int, int], list[int]] = field(default_factory=dict)
    exists: dict[tuple[SensKey, str], bool] = field(default_factory=dict)
    near: dict[str, frozenset[str]] = field(default_factory=dict)
    block_ids: int = 0


Sims = dict[tuple[str, str, bool, Token], Sim]


class SearchCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch: Epoch | None = None
        self._behind = 0
        self.persons: dict[int, Person] = {}
        self._sims: dict[MatchSettings, Sims] = {}

    def epoch(self, conn: Connection, head: int, chain_hash: str | None) -> Epoch | None:
        """The epoch for a search that read chain position ``head`` on ``conn`` (moving the cache there
        first); None when the search is behind the cache."""
        e = self._epoch
        if e is not None and e.head == head and e.hash == chain_hash:
            return e
        with self._lock:
            e = self._epoch
            if e is not None and e.head == head and e.hash == chain_hash:
                return e
            if e is not None and e.head > head and self._behind < BEHIND_MAX:
                self._behind += 1   # another search moved the cache past this one's reading
                return None
            self._behind = 0   # (searches keep reading an older position: another database now)
            changed = _changed(conn, e, head)
            if changed is None:
                self.persons.clear()
            for pid in changed or ():
                self.persons.pop(pid, None)
            if e is None or changed is None or changed:
                e = self._epoch = Epoch(head, chain_hash)
            else:   # only other records changed: everything read stays true
                e.head, e.hash = head, chain_hash
            return e

    def keep(self, epoch: Epoch, found: dict[int, Person]) -> None:
        """Keep persons read by a search of ``epoch``, if the cache is still there."""
        with self._lock:
            if epoch is not self._epoch:
                return
            if len(self.persons) + len(found) > PERSONS_MAX:   # drop the oldest quarter
                for pid in list(self.persons)[:PERSONS_MAX // 4 + len(found)]:
                    del self.persons[pid]
            self.persons.update(found)

    def sims(self, settings: MatchSettings) -> Sims:
        """Part comparisons of this settings' matchers (started afresh above SIMS_MAX)."""
        sims = self._sims.setdefault(settings, {})
        if len(sims) > SIMS_MAX:
            sims = self._sims[settings] = {}
        return sims


def _changed(conn: Connection, e: Epoch | None, head: int) -> set[int] | None:
    """Persons audited after the epoch's position up to ``head`` (one query, which also checks the
    chain's hash at the epoch's position); None when the cache must start afresh."""
    if e is None or head - e.head > RESET_AFTER or head < e.head:
        return None
    persons: set[int] = set()
    seen = None
    for seq, chain_hash, etype, eid in conn.exec_driver_sql(
            f"SELECT seq, hash, entity_type, entity_id FROM audit_log WHERE seq >= {mark(conn)} "
            f"AND seq <= {mark(conn)}", (e.head, head)):
        if seq == e.head:
            seen = chain_hash
        elif etype == "person":
            persons.add(int(eid))
    return persons if seen == e.hash else None


T = TypeVar("T")


class PerEngine(Generic[T]):
    """One object per engine (a process's cache of it), made on first use, gone with the engine."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._by: weakref.WeakKeyDictionary[Engine, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, engine: Engine) -> T:
        found = self._by.get(engine)
        if found is None:
            with self._lock:
                found = self._by.setdefault(engine, self._make())
        return found


search_cache = PerEngine(SearchCache)


def read_persons(conn: Connection, ids: Iterable[int]) -> dict[int, Person]:
    """Non-deleted persons among ``ids`` as the matcher prepares them, with their sensitivity."""
    recs: dict[int, PersonRecord] = {}
    sens: dict[int, str] = {}
    for chunk in chunks(ids):
        assert chunk is not None
        clause, params = in_values(conn, chunk)
        for pid, ext, gender, birth, sensitivity in driver_rows(
                conn, f"SELECT id, ext_id, gender, birth_date, sensitivity FROM persons WHERE deleted_at IS NULL "
                f"AND id{clause} ORDER BY id", params):
            recs[pid] = PersonRecord(pid, ext, gender, _birth(birth), [])
            sens[pid] = sensitivity
        for pid, name in name_rows(conn, chunk):
            if pid in recs:
                recs[pid].names.append(name)
    shadow = SimpleNamespace(ids=[], ext_ids=[], candidates_=[])
    for _ in Matcher._ingest(cast(Matcher, shadow), recs.values()):   # the Matcher's own record -> candidate
        pass
    return {rec.id: Person(rec.ext_id, sens[rec.id], cand) for rec, cand in zip(recs.values(), shadow.candidates_)}


class CachedIndex(StoredIndex):
    """The stored index read through an epoch of the cache: blocks, surname keys and variants are
    looked up once per epoch (and per sensitivities)."""

    def __init__(self, conn: Connection, matcher: CachedMatcher, epoch: Epoch) -> None:
        super().__init__(conn, matcher._load, matcher.sensitivities)
        self.epoch = epoch
        self.sens: SensKey = tuple(matcher.sensitivities) if matcher.sensitivities is not None else None

    def near_variants(self, variants: set[str]) -> dict[str, set[str]]:
        near = self.epoch.near   # complete entries only: other searches read it at the same time
        for v in variants:
            if v not in self._near and (ks := near.get(v)) is not None:
                self._near[v] = set(ks)
        new = [v for v in variants if v not in self._near]
        out = super().near_variants(variants)
        if len(near) + len(new) > LOOKUPS_MAX:
            near.clear()
        for v in new:
            near[v] = frozenset(self._near[v])
        return out

    def existing(self, keys: set[str]) -> set[str]:
        exists = self.epoch.exists
        for k in keys:
            if k not in self._exists and (e := exists.get((self.sens, k))) is not None:
                self._exists[k] = e
        new = [k for k in keys if k not in self._exists]
        out = super().existing(keys)
        if len(exists) + len(new) > LOOKUPS_MAX:
            exists.clear()
        for k in new:
            exists[(self.sens, k)] = self._exists[k]
        return out

    def block_persons(self, hashes: set[int], limit: int) -> dict[int, list[int]]:
        e = self.epoch
        out: dict[int, list[int]] = {}
        todo: set[int] = set()
        for h in hashes:
            ids = e.blocks.get((self.sens, limit, h))
            if ids is None:
                todo.add(h)
            else:
                out[h] = ids
        if todo:
            found = super().block_persons(todo, limit)
            n = sum(len(ids) for ids in found.values())
            if e.block_ids + n > BLOCK_IDS_MAX:
                e.blocks.clear()
                e.block_ids = 0
            e.block_ids += n
            for h, ids in found.items():
                e.blocks[(self.sens, limit, h)] = ids
            out.update(found)
        return out


class CachedMatcher(StoredMatcher):
    """A StoredMatcher that reads through the process's SearchCache (at ``epoch``): persons are read
    and prepared once, and its part comparisons are shared with the other searches."""

    def __init__(self, conn: Connection, cache: SearchCache, epoch: Epoch, *, settings: MatchSettings = DEFAULT,
                 sensitivities: Collection[str] | None = None) -> None:
        super().__init__(conn, settings=settings, sensitivities=sensitivities)
        self.cache, self.epoch = cache, epoch
        self._sims = cache.sims(settings)
        self.index = CachedIndex(conn, self, epoch)
        self._kin = StoredKin(self.index)

    def known(self, pid: int) -> Candidate | None:
        p = self.cache.persons.get(pid)
        return p.candidate if p is not None else super().known(pid)

    def _read(self, new: set[int]) -> None:
        known = self.cache.persons
        got: dict[int, Person] = {}
        missing: list[int] = []
        for pid in new:
            p = known.get(pid)   # read once: another search may drop it meanwhile
            if p is None:
                missing.append(pid)
            else:
                got[pid] = p
        if missing:
            read = read_persons(self.conn, missing)
            self.cache.keep(self.epoch, read)
            got.update(read)
        shown = self.sensitivities
        for pid, p in got.items():
            if shown is not None and p.sensitivity not in shown:
                continue   # not of this matcher's registry: as if it did not exist
            dict.__setitem__(cast(dict[int, int], self.ids), pid, pid)
            dict.__setitem__(cast(dict[int, str], self.ext_ids), pid, p.ext_id)
            dict.__setitem__(cast(dict[int, Candidate], self.candidates_), pid, p.candidate)
            dict.__setitem__(self.row_of, pid, pid)


def search_matcher(conn: Connection, head: int, chain_hash: str | None, *, settings: MatchSettings = DEFAULT,
                   sensitivities: Collection[str] | None = None) -> StoredMatcher:
    """The matcher a search uses on ``conn``, which read chain position ``head`` (with the keys current up
    to it) before anything else: through the process's cache, or a plain StoredMatcher when the search is
    behind the cache."""
    cache = search_cache(conn.engine)
    epoch = cache.epoch(conn, head, chain_hash)
    if epoch is None:
        return StoredMatcher(conn, settings=settings, sensitivities=sensitivities)
    return CachedMatcher(conn, cache, epoch, settings=settings, sensitivities=sensitivities)
