"""A whole list matched through the stored index, a chunk of rows at a time (``match`` and ``vet``).

``ListMatcher`` is a StoredMatcher whose ``match_many`` first reads, for a chunk of rows at once, everything
the rows will ask the database for: which of their words are registry surnames, the surname variants
near them, the persons of every block their names (and full birth dates) fall in, those persons
themselves (each loaded and prepared once, shared by every row that finds it), and the stored
judgements of the rows. Each row is then matched by the Matcher's own code, which finds all that in
the matcher's caches: the look-ups of a chunk are a few large queries instead of several per row. The
prefetch only fills caches the row-by-row path fills itself, so the decisions are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy import Connection

from kartoteka.db.bulk import driver_rows, in_values
from kartoteka.domain.dates import PartialDate
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.matching.engine import Judgement, MatchResult, NameQuery, query_key
from kartoteka.matching.scorer import date_kind
from kartoteka.matching.stored import BLOCK_LIMIT, StoredIndex, StoredKin, StoredMatcher, _in_query
from kartoteka.matching.stored_keys import query_kin, query_pairs, stable_hash
from kartoteka.matching.tokens import Token, query_units
from kartoteka.matching.written import split_written

CHUNK = 1000   # list rows prefetched together
BATCH = 2000   # values per IN (...) of a prefetch query (SQLite allows 32,766 parameters)
Progress = Callable[[int, int], None]


UnitsKey = tuple[tuple[str, tuple[int, ...], bool], ...]


def units_key(units: list[Token]) -> UnitsKey:
    """What a list name's blocks depend on (tokens are made from their text: matching/tokens.py)."""
    return tuple((u.text, u.covers, u.initial) for u in units)


class NearPassDeferred(Exception):
    """A row asked for surnames about one edit away before they were read for its chunk."""


class _Wanted:
    """A NearSource that only records what query_pairs would ask the registry (and finds nothing)."""

    def __init__(self) -> None:
        self.variants: set[str] = set()
        self.keys: set[str] = set()

    def near_variants(self, variants: set[str]) -> dict[str, set[str]]:
        self.variants |= variants
        return {}

    def existing(self, keys: set[str]) -> set[str]:
        self.keys |= keys
        return set()


class ListIndex(StoredIndex):
    """A StoredIndex that keeps the persons of every block it has read (the first BLOCK_LIMIT by id, so any
    smaller limit is a prefix), and the blocks of the chunk's list names, exact and near (``defer_near``:
    a near pass not read yet raises NearPassDeferred instead of reading it for one row)."""

    def __init__(self, conn: Connection, load: Callable[[set[int]], set[int]],
                 sensitivities: list[str] | None = None) -> None:
        super().__init__(conn, load, sensitivities)
        self.blocks: dict[int, list[int]] = {}
        self.names: dict[tuple[UnitsKey, bool], set[int]] = {}   # (list name, near): its blocks
        self.defer_near = False

    def candidates(self, units: list[Token], *, near: bool = True) -> set[int]:
        key = (units_key(units), near)
        hashes = self.names.get(key)
        if hashes is None:
            if near and self.defer_near:
                raise NearPassDeferred()
            hashes = self.names[key] = {stable_hash(p) for p in query_pairs(units, self, near=near)}
        found: set[int] = set()
        for h in hashes:
            found.update(self.block_persons_of(h, BLOCK_LIMIT))
        return self._load(found)   # (only the persons that load: StoredIndex.persons)

    def candidate_rows(self, units: list[Token], *, near: bool = True) -> set[int]:
        return self.candidates(units, near=near)   # (its own blocks: not StoredIndex's lazy look-up)

    def read_names(self, names: list[list[Token]], *, near: bool) -> set[int]:
        """The blocks of these list names, with what the near ones need read in a few queries."""
        if near:
            wanted = _Wanted()
            for units in names:
                query_pairs(units, wanted, near=True)
            self.near_variants(wanted.variants)
            self.existing(wanted.keys)
        out: set[int] = set()
        for units in names:
            key = (units_key(units), near)
            if key not in self.names:
                self.names[key] = {stable_hash(p) for p in query_pairs(units, self, near=near)}
            out |= self.names[key]
        return out

    def block_persons_of(self, h: int, limit: int) -> list[int]:
        ids = self.blocks.get(h)
        if ids is None:
            self.read_blocks((h,))
            ids = self.blocks[h]
        return ids if len(ids) <= limit else ids[:limit]

    def block_persons(self, hashes: set[int], limit: int) -> dict[int, list[int]]:
        self.read_blocks(hashes)
        return {h: self.block_persons_of(h, limit) for h in hashes}

    def read_blocks(self, hashes: Collection[int]) -> None:
        items = sorted(h for h in hashes if h not in self.blocks)
        for h in items:
            self.blocks[h] = []
        for i in range(0, len(items), BATCH):
            for key, pid in _in_query(self.conn, 'SELECT nk."key", nk.person_id FROM name_keys nk{join} '
                                                 'WHERE nk."key"{values} ORDER BY nk."key", nk.person_id',
                                      items[i:i + BATCH], self.sensitivities):
                ids = self.blocks[key]
                if len(ids) < BLOCK_LIMIT:
                    ids.append(pid)


class ListMatcher(StoredMatcher):
    """A StoredMatcher for long lists: ``match_many`` prefetches per chunk of rows (see the module)."""

    def __init__(self, conn: Connection, *, settings: MatchSettings = DEFAULT,
                 sensitivities: Collection[str] | None = None) -> None:
        super().__init__(conn, settings=settings, sensitivities=sensitivities)
        # the blocks' persons are probed (their birth dates), and loaded when a row scores them
        self.index = ListIndex(conn, self._probe, self.sensitivities)
        self._kin = StoredKin(self.index)

    def prefetch(self, qs: Sequence[NameQuery], *, near: bool = False) -> None:
        """Read what matching ``qs`` will look up, in a few queries (see the module); ``near``: what their
        near pass looks up."""
        index = self.index
        assert isinstance(index, ListIndex)
        names: list[tuple[list[Token], PartialDate | None]] = []
        for q in qs:
            written, inline = split_written(q.name)   # as Matcher.prepare_all
            names += [(query_units(name), q.birth_date or inline) for name in written]
        blocks = index.read_names([units for units, _ in names], near=near)
        if not near:
            index.existing({k for units, _ in names for u in units for k in u.keys})   # StoredMatcher._query
            for units, birth in names:
                blocks |= {stable_hash(p) for p in query_kin(birth, units)}
            self._read_judgements([query_key(q) for q in qs])
        index.read_blocks(blocks)
        found: set[int] = set()
        for h in blocks:
            found.update(index.blocks[h])
        live = self._probe(found)
        # loaded: what some row of the chunk will score. A row skips the namesakes born in another year
        # (Matcher._rank, as ``match`` ranks): at a million persons most of a common name's block.
        wanted: set[int] = set()
        for units, birth in names:
            rows: set[int] = set()
            for h in index.names[(units_key(units), near)]:
                rows.update(index.block_persons_of(h, BLOCK_LIMIT))
            wanted.update(rows if birth is None else (r for r in rows if not self._conflicts(birth, r)))
            if not near:
                for h in {stable_hash(p) for p in query_kin(birth, units)}:
                    wanted.update(index.blocks[h])
        self._load(wanted & live)

    def _conflicts(self, birth: PartialDate, row: int) -> bool:
        other = self._births.get(row)
        return other is not None and date_kind(birth, other) == "conflict"

    def _read_judgements(self, keys: list[str]) -> None:
        todo = sorted({k for k in keys if not dict.__contains__(self.judgements, k)})
        for k in todo:
            dict.__setitem__(self.judgements, k, [])
        for i in range(0, len(todo), BATCH):
            clause, params = in_values(self.conn, todo[i:i + BATCH])
            for key, pid, judgement, actor, at in driver_rows(
                    self.conn, "SELECT query_key, person_id, judgement, actor, at FROM match_decisions WHERE "
                    f"other_person_id IS NULL AND query_key{clause} ORDER BY id", params):
                dict.__getitem__(self.judgements, key).append(Judgement(person_id=pid, judgement=judgement,
                                                                        actor=actor, at=str(at)[:19]))

    def match_many(self, qs: Sequence[NameQuery], progress: Progress | None = None) -> list[MatchResult]:
        """Per chunk: what every row looks up read at once; the rows matched; the rows whose exact
        surnames found no match (the Matcher then tries surnames about one edit away) matched again once
        what their near pass looks up was read for all of them."""
        index = self.index
        assert isinstance(index, ListIndex)
        out: list[MatchResult | None] = []
        for start in range(0, len(qs), CHUNK):
            chunk = qs[start:start + CHUNK]
            index.names.clear()
            self.prefetch(chunk)
            later: list[int] = []
            index.defer_near = True
            try:
                for i, q in enumerate(chunk, start):
                    try:
                        out.append(self.match(q))
                    except NearPassDeferred:
                        out.append(None)
                        later.append(i)
            finally:
                index.defer_near = False
            self.prefetch([qs[i] for i in later], near=True)
            for i in later:
                out[i] = self.match(qs[i])
            if progress:
                progress(len(out), len(qs))
        return [r for r in out if r is not None]
